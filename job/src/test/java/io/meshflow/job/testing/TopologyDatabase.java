package io.meshflow.job.testing;

import io.meshflow.job.config.JobSettings;
import io.meshflow.job.sinks.Database;
import io.meshflow.sink.Dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Results databases with a known topology, written through the job's own table creation: a small
 * mesh whose merged numbers are worked out by hand, and a synthetic mesh of any size.
 */
public final class TopologyDatabase {
    /** The small mesh's rows are in 10:30 and 10:31, plus one row at 09:59 outside the hour. */
    public static final Instant HOUR = Instant.parse("2026-01-01T10:00:00Z");

    public static final Instant EARLY = Instant.parse("2026-01-01T09:59:00Z");
    public static final Instant M30 = Instant.parse("2026-01-01T10:30:00Z");
    public static final Instant M31 = Instant.parse("2026-01-01T10:31:00Z");

    /** The small mesh's services and kinds. */
    public static final Map<String, String> SERVICES =
            Map.of(
                    "frontend", "mesh",
                    "reviews", "mesh",
                    "ratings", "mesh",
                    "payments", "external",
                    "unknown", "unknown");

    /** The small mesh's edges, as the page's {@code data-edge} writes them. */
    public static final List<String> EDGES =
            List.of(
                    "unknown -> frontend",
                    "frontend -> reviews",
                    "reviews -> ratings",
                    "reviews -> payments");

    private final Connection connection;
    private final Dialect dialect;

    /**
     * The job's tables; without {@code withTcp} the tcp_* tables are dropped again, so that the
     * database stands for one written before the job counted TCP (the graph reads those too).
     */
    private TopologyDatabase(String jdbcUrl, boolean withTcp) throws SQLException {
        JobSettings settings = JobSettings.from(new String[] {"--jdbc.url", jdbcUrl}, Map.of());
        Database.createTables(settings);
        this.connection = Database.connect(settings);
        this.dialect = settings.dialect;
        if (!withTcp) {
            try (Statement s = connection.createStatement()) {
                s.execute("DROP TABLE tcp_instance_edges");
                s.execute("DROP TABLE tcp_service_edges");
            }
        }
    }

    /**
     * The small mesh, in minute rows (and one hour row per service and edge for 10:00):
     *
     * <pre>
     *   unknown -> frontend   10:31  20 calls, 0 errors, p99 15, no paired calls
     *   frontend -> reviews   10:30 100 calls, 2 errors, p99  80, 90 paired, overhead 2.0
     *                         10:31  50 calls, 5 errors, p99 120, 30 paired, overhead 4.0
     *                         09:59 1000 calls (before the hour)
     *   reviews -> ratings    10:30  40 calls, 0 errors, p99  30, 40 paired, overhead 1.0
     *   reviews -> payments   10:31  10 calls, 1 error,  p99 400, client-only
     * </pre>
     *
     * Over 10:00-11:00 frontend -> reviews merges to 150 calls, 7 errors, p99 120 (the larger),
     * overhead (2.0 x 90 + 4.0 x 30) / 120 = 2.5.
     */
    public static void writeSmallMesh(String jdbcUrl) throws SQLException {
        TopologyDatabase db = new TopologyDatabase(jdbcUrl, false);
        try (Connection ignored = db.connection) {
            SERVICES.forEach(db::service);
            db.edge(M31, "minute", "unknown", "frontend", 20, 0, 15, 0, null);
            db.edge(M30, "minute", "frontend", "reviews", 100, 2, 80, 90, 2.0);
            db.edge(M31, "minute", "frontend", "reviews", 50, 5, 120, 30, 4.0);
            db.edge(EARLY, "minute", "frontend", "reviews", 1000, 0, 50, 1000, 1.0);
            db.edge(M30, "minute", "reviews", "ratings", 40, 0, 30, 40, 1.0);
            db.edge(M31, "minute", "reviews", "payments", 10, 1, 400, 0, null);
            db.metrics(M31, "minute", "frontend", 20, 0, 15);
            db.metrics(M30, "minute", "reviews", 100, 2, 80);
            db.metrics(M31, "minute", "reviews", 50, 5, 120);
            db.metrics(EARLY, "minute", "reviews", 1000, 0, 50);
            db.metrics(M30, "minute", "ratings", 40, 0, 30);
            db.metrics(M31, "minute", "payments", 10, 1, 400);
            // the hour rows hold one percentile over the whole hour: exact, here 110
            db.edge(HOUR, "hour", "frontend", "reviews", 150, 7, 110, 120, 2.5);
            db.metrics(HOUR, "hour", "reviews", 150, 7, 110);
        }
    }

    /**
     * Adds {@code tcp_service_edges} (SPEC 4, as the job creates it) with bytes for frontend ->
     * reviews (2000: 1000 from a client-only row, then the larger end of a row both ends reported)
     * and a TCP-only pair reviews -> mysql (4096 bytes).
     */
    public static void addTcpTable(String jdbcUrl) throws SQLException {
        TopologyDatabase db = new TopologyDatabase(jdbcUrl, true);
        try (Connection c = db.connection) {
            db.service("mysql", "external");
            db.tcp(M30, "frontend", "reviews", 2, 0, 100, 900, 0, 0);
            db.tcp(M31, "frontend", "reviews", 1, 1, 500, 500, 400, 400);
            db.tcp(M30, "reviews", "mysql", 3, 0, 1024, 3072, 0, 0);
        }
    }

    /**
     * A synthetic mesh of {@code services} services in one minute (10:30), shaped like real ones:
     * an unnamed caller, three gateways, then six tiers of services, each called by one to three
     * services of the tier before (sometimes two before); every tenth service is external, and one
     * call edge in ten fails 10% of its calls. Deterministic in {@code seed}. Returns the edges as
     * {@code data-edge}.
     */
    public static List<String> writeSyntheticMesh(String jdbcUrl, int services, long seed)
            throws SQLException {
        TopologyDatabase db = new TopologyDatabase(jdbcUrl, false);
        Random random = new Random(seed);
        List<String> edges = new ArrayList<>();
        try (Connection c = db.connection) {
            c.setAutoCommit(false);
            db.service("unknown", "unknown");
            for (int i = 1; i < services; i++) {
                String name = name(i);
                db.service(name, i % 10 == 0 ? "external" : "mesh");
                int callers = i <= GATEWAYS ? 1 : 1 + random.nextInt(3);
                long total = 0;
                long errors = 0;
                for (int k = 0; k < callers; k++) {
                    String caller = i <= GATEWAYS ? "unknown" : caller(services, i, random);
                    if (caller.equals(name) || edges.contains(caller + " -> " + name)) {
                        continue;
                    }
                    long calls = 10 + random.nextInt(5000);
                    long err = random.nextInt(10) == 0 ? calls / 10 : calls / 500;
                    db.edge(
                            M30,
                            "minute",
                            caller,
                            name,
                            calls,
                            err,
                            20 + random.nextInt(900),
                            calls / 2,
                            random.nextInt(30) / 10.0);
                    edges.add(caller + " -> " + name);
                    total += calls;
                    errors += err;
                }
                db.metrics(M30, "minute", name, total, errors, 20 + random.nextInt(900));
            }
            c.commit();
        }
        return edges;
    }

    private static final int GATEWAYS = 3;
    private static final int TIERS = 6;

    /** Gateways are tier 0; the other services spread evenly over tiers 1 to {@link #TIERS}. */
    private static int tier(int services, int i) {
        return i <= GATEWAYS ? 0 : 1 + (i - GATEWAYS - 1) * TIERS / (services - GATEWAYS - 1);
    }

    /** A service of the tier before {@code i}'s (one in five: two before), never an external. */
    private static String caller(int services, int i, Random random) {
        int tier = Math.max(0, tier(services, i) - (random.nextInt(5) == 0 ? 2 : 1));
        List<Integer> candidates = new ArrayList<>();
        for (int j = 1; j < i; j++) {
            if (tier(services, j) == tier && j % 10 != 0) {
                candidates.add(j);
            }
        }
        return name(candidates.get(random.nextInt(candidates.size())));
    }

    /** Names like real ones, so the page is judged with realistic lengths. */
    public static String name(int i) {
        String[] words = {
            "checkout",
            "cart",
            "catalog",
            "search",
            "inventory",
            "pricing",
            "shipping",
            "payments",
            "accounts",
            "auth",
            "reviews",
            "ratings",
            "recommend",
            "ads",
            "email"
        };
        return words[i % words.length] + "-" + i;
    }

    private void service(String service, String kind) {
        run(
                "INSERT INTO services (service, kind, first_seen, last_seen) VALUES (?, ?, ?, ?)",
                ps -> {
                    ps.setString(1, service);
                    ps.setString(2, kind);
                    dialect.setTimestamp(ps, 3, EARLY.toEpochMilli());
                    dialect.setTimestamp(ps, 4, M31.toEpochMilli());
                });
    }

    private void metrics(
            Instant bucket, String granularity, String service, long calls, long errors, long p99) {
        run(
                // the last value: merge_state, which the picture does not read
                "INSERT INTO service_metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                        + " ?, ?, NULL)",
                ps -> {
                    ps.setString(1, granularity);
                    dialect.setTimestamp(ps, 2, bucket.toEpochMilli());
                    ps.setString(3, service);
                    long[] values = {calls, errors, calls * 10, p99, 8, 9, 12, 20, p99};
                    for (int i = 0; i < values.length; i++) {
                        ps.setLong(4 + i, values[i]);
                    }
                    ps.setDouble(13, 0.9);
                    ps.setLong(14, calls - errors);
                    ps.setLong(15, 0);
                    ps.setLong(16, 0);
                    ps.setLong(17, errors);
                    ps.setLong(18, 0);
                });
    }

    private void edge(
            Instant bucket,
            String granularity,
            String source,
            String dest,
            long calls,
            long errors,
            long p99,
            long paired,
            Double overhead) {
        run(
                "INSERT INTO service_edges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                        + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                ps -> {
                    ps.setString(1, granularity);
                    dialect.setTimestamp(ps, 2, bucket.toEpochMilli());
                    ps.setString(3, source);
                    ps.setString(4, dest);
                    long[] values = {calls, errors, calls * 10, p99, 8, 9, 12, 20, p99};
                    for (int i = 0; i < values.length; i++) {
                        ps.setLong(5 + i, values[i]);
                    }
                    ps.setDouble(14, 0.9);
                    long[] rest = {
                        calls - errors,
                        0,
                        0,
                        errors,
                        0, // status classes
                        paired,
                        calls - paired,
                        0,
                        0,
                        paired, // pairing, retries, mTLS
                        paired * 12,
                        paired * 10 // client and server latency sums
                    };
                    for (int i = 0; i < rest.length; i++) {
                        ps.setLong(15 + i, rest[i]);
                    }
                    if (overhead == null) {
                        ps.setNull(27, java.sql.Types.DOUBLE);
                    } else {
                        ps.setDouble(27, overhead);
                    }
                });
    }

    private void tcp(
            Instant bucket,
            String source,
            String dest,
            long clientConnections,
            long serverConnections,
            long clientSent,
            long clientReceived,
            long serverSent,
            long serverReceived) {
        run(
                "INSERT INTO tcp_service_edges VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, 10, 10,"
                        + " NULL)",
                ps -> {
                    ps.setString(1, "minute");
                    dialect.setTimestamp(ps, 2, bucket.toEpochMilli());
                    ps.setString(3, source);
                    ps.setString(4, dest);
                    long[] values = {
                        clientConnections,
                        serverConnections,
                        clientSent,
                        clientReceived,
                        serverSent,
                        serverReceived
                    };
                    for (int i = 0; i < values.length; i++) {
                        ps.setLong(5 + i, values[i]);
                    }
                });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void run(String sql, Binder binder) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
