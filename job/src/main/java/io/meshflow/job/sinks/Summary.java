package io.meshflow.job.sinks;

import io.meshflow.job.config.JobSettings;
import io.meshflow.job.config.MeshflowOptions;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A few lines on what a finished run wrote, and where. */
public final class Summary {
    private Summary() {}

    public static void print(JobSettings settings, PrintStream out) {
        try (Connection c = Database.connect(settings);
                Statement s = c.createStatement()) {
            out.println("meshflow: results are in " + settings.printableJdbcUrl());
            out.println(
                    "  services:     "
                            + one(s, "SELECT COUNT(*) FROM services")
                            + " ("
                            + one(s, "SELECT COUNT(*) FROM services WHERE kind = 'mesh'")
                            + " mesh, "
                            + one(s, "SELECT COUNT(*) FROM services WHERE kind = 'external'")
                            + " external, "
                            + one(s, "SELECT COUNT(*) FROM services WHERE kind = 'unknown'")
                            + " unknown)");
            out.println(
                    "  edges:        "
                            + one(
                                    s,
                                    "SELECT COUNT(*) FROM (SELECT DISTINCT source_service,"
                                            + " dest_service FROM service_edges WHERE granularity = 'day') e"));
            long calls =
                    one(
                            s,
                            "SELECT COALESCE(SUM(calls), 0) FROM service_edges WHERE granularity = 'day'");
            long errors =
                    one(
                            s,
                            "SELECT COALESCE(SUM(errors), 0) FROM service_edges WHERE granularity = 'day'");
            out.println(
                    "  calls:        "
                            + calls
                            + " (paired "
                            + one(
                                    s,
                                    "SELECT COALESCE(SUM(paired_calls), 0) FROM pipeline_stats WHERE granularity = 'day'")
                            + ", client-only "
                            + one(
                                    s,
                                    "SELECT COALESCE(SUM(client_only_calls), 0) FROM pipeline_stats WHERE granularity = 'day'")
                            + ", server-only "
                            + one(
                                    s,
                                    "SELECT COALESCE(SUM(server_only_calls), 0) FROM pipeline_stats WHERE granularity = 'day'")
                            + ")");
            out.printf("  error rate:   %.2f%%%n", calls == 0 ? 0.0 : 100.0 * errors / calls);
            out.println(
                    "  sides:        "
                            + one(
                                    s,
                                    "SELECT COALESCE(SUM(sides), 0) FROM pipeline_stats"
                                            + " WHERE granularity = 'day'")
                            + " (duplicates "
                            + one(
                                    s,
                                    "SELECT COALESCE(SUM(duplicate_sides), 0) FROM pipeline_stats WHERE granularity = 'day'")
                            + ", late "
                            + one(
                                    s,
                                    "SELECT COALESCE(SUM(late_sides), 0) FROM pipeline_stats WHERE granularity = 'day'")
                            + ")");
            // Both ends may report one connection: per row the end that saw more bytes, as the
            // graph does, rather than their sum.
            out.println(
                    "  tcp edges:    "
                            + one(
                                    s,
                                    "SELECT COUNT(*) FROM (SELECT DISTINCT source_service,"
                                            + " dest_service FROM tcp_service_edges WHERE granularity = 'day') e")
                            + " ("
                            + one(
                                    s,
                                    "SELECT COALESCE(SUM(client_connections + server_connections), 0)"
                                            + " FROM tcp_service_edges WHERE granularity = 'day'")
                            + " connection sides, "
                            + one(
                                    s,
                                    "SELECT COALESCE(SUM(failed_connections), 0) FROM tcp_service_edges"
                                            + " WHERE granularity = 'day'")
                            + " failed)");
            out.println(
                    "  tcp bytes:    "
                            + one(
                                    s,
                                    "SELECT COALESCE(SUM("
                                            + settings.dialect.greatest(
                                                    "client_sent_bytes + client_received_bytes",
                                                    "server_sent_bytes + server_received_bytes")
                                            + "), 0) FROM tcp_service_edges WHERE granularity = 'day'"));
            out.println("  dead letters: " + one(s, "SELECT COUNT(*) FROM dead_letters"));
            // the figures above are the tables', so after a merge they include earlier runs
            out.println(
                    "  write mode:   "
                            + (settings.mergeRunId == null
                                    ? "replace (this run's rows replaced any of the same key)"
                                    : "merge (this run's calls were added to the rows there were;"
                                            + " the figures above are the merged tables')"));
            boolean defaultDatabase =
                    settings.jdbcUrl.equals(MeshflowOptions.JDBC_URL.defaultValue());
            out.println(
                    "  picture:      meshflow graph"
                            + (defaultDatabase ? "" : " --jdbc.url " + settings.printableJdbcUrl())
                            + "  (writes topology.html, the services and their calls)");
            if (settings.jdbcUrl.startsWith("jdbc:sqlite:")) {
                String file =
                        settings.jdbcUrl.substring("jdbc:sqlite:".length()).replaceAll("\\?.*", "");
                out.println(
                        "  try: sqlite3 -header -column "
                                + file
                                + " < sql/queries.sql  (see README.md)");
            }
        } catch (SQLException e) {
            out.println(
                    "meshflow: results are in "
                            + settings.printableJdbcUrl()
                            + " (no summary: "
                            + e.getMessage()
                            + ")");
        }
    }

    private static long one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
