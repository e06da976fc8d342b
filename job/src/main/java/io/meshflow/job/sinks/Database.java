package io.meshflow.job.sinks;

import io.meshflow.job.config.JobSettings;
import io.meshflow.sink.OutputTables;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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

    /**
     * Creates the tables and indexes that are missing, as described in {@link OutputTables} (the
     * statements of sql/schema-*.sql).
     */
    public static void createTables(JobSettings settings) throws SQLException {
        try (Connection connection = connect(settings);
                Statement statement = connection.createStatement()) {
            for (String ddl : OutputTables.createStatements(settings.dialect)) {
                statement.execute(ddl);
            }
        }
    }
}
