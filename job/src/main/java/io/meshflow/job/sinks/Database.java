package io.meshflow.job.sinks;

import io.meshflow.job.config.JobSettings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The results database as the main class sees it: checked and given its tables before the job
 * starts.
 */
public final class Database {
    private Database() {}

    public static Connection connect(JobSettings settings) throws SQLException {
        Properties properties = new Properties();
        if (settings.jdbcUser != null) {
            properties.setProperty("user", settings.jdbcUser);
        }
        if (settings.jdbcPassword != null) {
            properties.setProperty("password", settings.jdbcPassword);
        }
        if (settings.dialect == io.meshflow.sink.Dialect.SQLITE) {
            properties.setProperty("busy_timeout", "60000");
        }
        try {
            Class.forName(settings.dialect.driverClass());
        } catch (ClassNotFoundException e) {
            throw new SQLException(
                    "JDBC driver " + settings.dialect.driverClass() + " is missing", e);
        }
        return DriverManager.getConnection(settings.jdbcUrl, properties);
    }

    /** Creates the tables that are missing (sql/schema-*.sql). */
    public static void createTables(JobSettings settings) throws SQLException {
        try (Connection connection = connect(settings);
                Statement statement = connection.createStatement()) {
            for (String ddl : statements(settings.dialect.schemaResource())) {
                statement.execute(ddl);
            }
        }
    }

    /** The statements of a schema file: comment lines dropped, split at semicolons. */
    static List<String> statements(String resource) {
        String text;
        try (InputStream in = Database.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("schema " + resource + " is missing from the jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema " + resource, e);
        }
        StringBuilder sql = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String s : sql.toString().split(";")) {
            if (!s.isBlank()) {
                statements.add(s.strip());
            }
        }
        return statements;
    }
}
