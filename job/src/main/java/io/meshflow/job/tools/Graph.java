package io.meshflow.job.tools;

import io.meshflow.job.config.JobSettings;
import io.meshflow.job.config.MeshflowOptions;
import io.meshflow.job.config.MeshflowOptions.InvalidOptionException;
import io.meshflow.job.config.OptionSet;
import io.meshflow.job.graph.DotFile;
import io.meshflow.job.graph.GraphOptions;
import io.meshflow.job.graph.HtmlPage;
import io.meshflow.job.graph.Topology;
import io.meshflow.job.graph.TopologyLayout;
import io.meshflow.job.graph.TopologyQuery;
import io.meshflow.job.graph.Window;
import io.meshflow.job.sinks.Database;
import io.meshflow.time.Granularity;

import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar meshflow-job.jar graph [--jdbc.url URL] [--from T] [--to T] [--granularity
 * minute|hour|day] [--out topology.html|topology.dot]}: a picture of the topology in the results
 * database. Exit codes as the job's: 2 for options and files, 3 for the database.
 */
public final class Graph {
    private Graph() {}

    public static void main(String[] args) {
        int code = execute(args, System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    public static int execute(
            String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (OptionSet.wantsHelp(args)) {
            out.print(GraphOptions.help());
            return 0;
        }
        Configuration options;
        JobSettings database;
        Granularity granularity;
        Instant from;
        Instant to;
        try {
            options = GraphOptions.parse(args);
            database = JobSettings.from(jdbcArguments(options), env);
            granularity =
                    options.getOptional(GraphOptions.GRANULARITY)
                            .map(Window::parseGranularity)
                            .orElse(null);
            from =
                    options.getOptional(GraphOptions.FROM)
                            .map(t -> Window.parseTime("from", t, false))
                            .orElse(null);
            to =
                    options.getOptional(GraphOptions.TO)
                            .map(t -> Window.parseTime("to", t, true))
                            .orElse(null);
        } catch (InvalidOptionException e) {
            err.println("meshflow graph: " + e.getMessage());
            return 2;
        }
        Path file = Path.of(options.get(GraphOptions.OUT));
        Topology topology;
        try (Connection connection = Database.connect(database)) {
            TopologyQuery query = new TopologyQuery(connection, database.dialect);
            Window window;
            try {
                window = window(query, granularity, from, to);
            } catch (InvalidOptionException e) {
                err.println("meshflow graph: " + e.getMessage());
                return 2;
            }
            if (window == null) {
                err.println(
                        "meshflow graph: "
                                + database.printableJdbcUrl()
                                + " holds no calls yet: run the job first");
                return 3;
            }
            topology = query.read(window);
        } catch (SQLException e) {
            err.println(
                    "meshflow graph: cannot read the database "
                            + database.printableJdbcUrl()
                            + ": "
                            + firstLine(e.getMessage()));
            return 3;
        }
        String text =
                file.getFileName().toString().endsWith(".dot")
                        ? DotFile.render(topology)
                        : HtmlPage.render(TopologyLayout.layOut(topology));
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("meshflow graph: cannot write " + file + ": " + e);
            return 2;
        }
        out.println(
                "meshflow graph: "
                        + topology.nodes().size()
                        + " services, "
                        + topology.edges().size()
                        + " edges, "
                        + topology.window().describe()
                        + " -> "
                        + file);
        return 0;
    }

    /**
     * The window of the command line; missing ends default to the last hour of data, a missing
     * granularity to the coarsest that tiles the window.
     */
    static Window window(TopologyQuery query, Granularity granularity, Instant from, Instant to)
            throws SQLException {
        if (from == null && to == null) {
            return query.lastHour(granularity);
        }
        if (to == null) {
            to = from.plus(Window.DEFAULT_LENGTH);
        }
        if (from == null) {
            from = to.minus(Window.DEFAULT_LENGTH);
        }
        return new Window(
                granularity == null ? Window.coarsestTiling(from, to) : granularity, from, to);
    }

    /** The database options in the job's form, so the job's checks and connection are reused. */
    private static String[] jdbcArguments(Configuration options) {
        List<String> args = new ArrayList<>();
        for (var option :
                List.of(
                        MeshflowOptions.JDBC_URL,
                        MeshflowOptions.JDBC_USER,
                        MeshflowOptions.JDBC_PASSWORD)) {
            options.getOptional(option)
                    .ifPresent(
                            value -> {
                                args.add("--" + option.key());
                                args.add(value);
                            });
        }
        return args.toArray(new String[0]);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
