package io.meshflow.job.graph;

import io.meshflow.job.graph.Topology.Edge;
import io.meshflow.job.graph.Topology.Node;
import io.meshflow.sink.Dialect;
import io.meshflow.time.Granularity;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a {@link Topology} from the results database (SPEC section 4): {@code services}, {@code
 * service_metrics}, {@code service_edges} and, when the table exists, {@code tcp_service_edges}.
 * The merging over the window's buckets happens in SQL with SUM and MAX, the same in PostgreSQL and
 * SQLite.
 */
public final class TopologyQuery {
    private static final String WHERE_WINDOW =
            " WHERE granularity = ? AND bucket_start >= ? AND bucket_start < ?";

    private final Connection connection;
    private final Dialect dialect;

    public TopologyQuery(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /**
     * The default window: the hour of data that ends with the newest bucket of {@code granularity}
     * (or, with none given, of minutes), starting no earlier than the oldest bucket so the title
     * shows the span the data covers; {@code null} if there are no rows.
     */
    public Window lastHour(Granularity granularity) throws SQLException {
        Granularity g = granularity == null ? Granularity.MINUTE : granularity;
        Instant[] span = bucketSpan(g);
        if (span == null) {
            return null;
        }
        Instant to = span[1].plusMillis(g.sizeMs());
        Instant from = to.minus(Window.DEFAULT_LENGTH);
        if (from.isBefore(span[0])) {
            from = span[0];
        }
        if (g.sizeMs() > Window.DEFAULT_LENGTH.toMillis()) {
            from = span[1];
        }
        return new Window(granularity == null ? Window.coarsestTiling(from, to) : g, from, to);
    }

    /**
     * The oldest and newest {@code bucket_start} of {@code service_edges} at this granularity, or
     * null.
     */
    Instant[] bucketSpan(Granularity granularity) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT MIN(bucket_start), MAX(bucket_start) FROM service_edges"
                                + " WHERE granularity = ?")) {
            ps.setString(1, granularity.columnValue());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String oldest = rs.getString(1);
                return oldest == null
                        ? null
                        : new Instant[] {timestamp(oldest), timestamp(rs.getString(2))};
            }
        }
    }

    public Topology read(Window window) throws SQLException {
        Map<String, String> kinds = kinds();
        Map<String, Node> nodes = new TreeMap<>();
        try (PreparedStatement ps =
                prepare(
                        "SELECT service, SUM(calls), SUM(errors), MAX(p99_ms) FROM service_metrics"
                                + WHERE_WINDOW
                                + " GROUP BY service",
                        window)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String service = rs.getString(1);
                    nodes.put(
                            service,
                            new Node(
                                    service,
                                    kinds.getOrDefault(service, "unknown"),
                                    rs.getLong(2),
                                    rs.getLong(3),
                                    rs.getLong(4)));
                }
            }
        }
        Map<String, Long> tcpBytes = hasTcpTable() ? tcpBytes(window) : null;
        Map<String, Edge> edges = new TreeMap<>();
        try (PreparedStatement ps =
                prepare(
                        // the overhead is a mean over paired calls: weigh each bucket's mean by its
                        // paired calls, which gives the mean over the window's paired calls
                        "SELECT source_service, dest_service, SUM(calls), SUM(errors), MAX(p99_ms),"
                                + " SUM(CASE WHEN overhead_avg_ms IS NULL THEN 0 ELSE paired_calls END),"
                                + " SUM(COALESCE(overhead_avg_ms, 0) * paired_calls)"
                                + " FROM service_edges"
                                + WHERE_WINDOW
                                + " GROUP BY source_service, dest_service",
                        window)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long paired = rs.getLong(6);
                    Edge edge =
                            new Edge(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getLong(3),
                                    rs.getLong(4),
                                    rs.getLong(5),
                                    paired == 0 ? null : rs.getDouble(7) / paired,
                                    tcpBytes == null ? null : tcpBytes.remove(key(rs, 1, 2)));
                    edges.put(edge.id(), edge);
                }
            }
        }
        if (tcpBytes != null) {
            // pairs that only spoke TCP in the window: edges without calls
            tcpBytes.forEach(
                    (pair, bytes) -> {
                        String[] ends = pair.split("\u0000", 2);
                        Edge edge = new Edge(ends[0], ends[1], 0, 0, null, null, bytes);
                        edges.put(edge.id(), edge);
                    });
        }
        for (Edge edge : edges.values()) {
            for (String service : List.of(edge.source(), edge.dest())) {
                nodes.computeIfAbsent(
                        service, s -> new Node(s, kinds.getOrDefault(s, "unknown"), 0, 0, null));
            }
        }
        return new Topology(
                window,
                new ArrayList<>(nodes.values()),
                new ArrayList<>(edges.values()),
                tcpBytes != null);
    }

    /**
     * TCP bytes of each pair. Both ends may report the same connection, so per row take the end
     * that reported more bytes (sent plus received) rather than their sum.
     */
    private Map<String, Long> tcpBytes(Window window) throws SQLException {
        Map<String, Long> bytes = new HashMap<>();
        try (PreparedStatement ps =
                prepare(
                        "SELECT source_service, dest_service, SUM("
                                + dialect.greatest(
                                        "client_sent_bytes + client_received_bytes",
                                        "server_sent_bytes + server_received_bytes")
                                + ") FROM tcp_service_edges"
                                + WHERE_WINDOW
                                + " GROUP BY source_service, dest_service",
                        window)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    bytes.put(key(rs, 1, 2), rs.getLong(3));
                }
            }
        }
        return bytes;
    }

    /** {@code tcp_service_edges} comes with TCP support; older databases lack it. */
    boolean hasTcpTable() throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        try (ResultSet rs = meta.getTables(null, null, "tcp_service_edges", null)) {
            return rs.next();
        }
    }

    private Map<String, String> kinds() throws SQLException {
        Map<String, String> kinds = new HashMap<>();
        try (PreparedStatement ps =
                        connection.prepareStatement("SELECT service, kind FROM services");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                kinds.put(rs.getString(1), rs.getString(2));
            }
        }
        return kinds;
    }

    private PreparedStatement prepare(String sql, Window window) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        ps.setString(1, window.granularity().columnValue());
        dialect.setTimestamp(ps, 2, window.from().toEpochMilli());
        dialect.setTimestamp(ps, 3, window.to().toEpochMilli());
        return ps;
    }

    private static String key(ResultSet rs, int source, int dest) throws SQLException {
        return rs.getString(source) + "\u0000" + rs.getString(dest);
    }

    /**
     * PostgreSQL prints TIMESTAMP as {@code 2026-01-01 10:00:00[.fff]}; SQLite stores that text.
     */
    static Instant timestamp(String text) {
        return LocalDateTime.parse(text.strip().replace(' ', 'T')).toInstant(ZoneOffset.UTC);
    }
}
