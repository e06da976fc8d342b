package io.meshflow.sim;

import io.meshflow.proto.DetectPoint;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.Protocol;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.proto.TCPServiceMeshMetric;
import io.meshflow.proto.TCPServiceMeshMetrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A simulated service mesh of 20 services, as sidecars would report it: request {@code n} is a pure
 * function of (seed, n), so any subtask can produce any request and a run is repeatable.
 *
 * <p>Most requests are reported by both sidecars (the server's report shorter than the client's by
 * the sidecar and network overhead). Some never reach their server (calls out of the mesh to an
 * external API, connection failures) and are client-only; some come from outside the mesh through
 * the ingress gateway and are server-only; about 1% are retried by the client's sidecar, so the
 * server reports two attempts; about 0.5% of reports are delivered twice.
 *
 * <p>Besides requests, services hold TCP connections ({@link #connection}): to a MySQL database and
 * a Redis cache in the mesh (both ends report), to a database outside the mesh (only the client end
 * reports), and from a batch job outside the mesh (only the server end reports). About 2% of
 * connections fail before the server accepts them: only their client end reports, with Envoy's
 * "UF". One connection is simulated for every {@value #REQUESTS_PER_CONNECTION} requests.
 *
 * <p>With a {@link MeshShape} the call graph is generated instead, as large as the shape says (the
 * benchmark's large mesh); its requests behave as above, its TCP connections are the built-in
 * mesh's.
 */
public final class MeshSimulator implements Serializable {
    private static final long serialVersionUID = 1L;

    /** 2026-01-01T00:00:00Z: the default event time of request 0. */
    public static final long DEFAULT_START = 1_767_225_600_000L;

    private static final double RETRY_RATE = 0.01;
    private static final double DUPLICATE_RATE = 0.005;
    private static final double UNREACHED_RATE = 0.004;
    private static final double UNREPORTED_CALLER_RATE = 0.004;

    /** Requests per TCP connection, in time and in the generator's output. */
    public static final int REQUESTS_PER_CONNECTION = 10;

    private static final double CONNECTION_FAILURE_RATE = 0.02;

    private final long seed;
    private final long startTime;
    private final long spacingMicros;
    private final List<Edge> edges = new ArrayList<>();
    private final double[] cumulativeWeights;
    private final List<TcpEdge> tcpEdges = new ArrayList<>();
    private final double[] tcpCumulativeWeights;

    /**
     * @param startTime event time of request 0, ms since epoch
     * @param spacingMicros event time between consecutive requests, in microseconds (1000: 1000
     *     requests/s)
     */
    public MeshSimulator(long seed, long startTime, long spacingMicros) {
        this(seed, startTime, spacingMicros, null);
    }

    /**
     * As {@link #MeshSimulator(long, long, long)}, on a call graph generated (from the seed) to the
     * given shape; {@code null}: the built-in mesh.
     */
    public MeshSimulator(long seed, long startTime, long spacingMicros, MeshShape shape) {
        this.seed = seed;
        this.startTime = startTime;
        this.spacingMicros = spacingMicros;
        if (shape == null) {
            defineMesh();
        } else {
            generateMesh(shape);
        }
        cumulativeWeights = new double[edges.size()];
        double sum = 0;
        for (int i = 0; i < edges.size(); i++) {
            sum += edges.get(i).weight;
            cumulativeWeights[i] = sum;
        }
        for (int i = 0; i < cumulativeWeights.length; i++) {
            cumulativeWeights[i] /= sum;
        }
        defineTcp();
        tcpCumulativeWeights = new double[tcpEdges.size()];
        double tcpSum = 0;
        for (int i = 0; i < tcpEdges.size(); i++) {
            tcpSum += tcpEdges.get(i).weight;
            tcpCumulativeWeights[i] = tcpSum;
        }
        for (int i = 0; i < tcpCumulativeWeights.length; i++) {
            tcpCumulativeWeights[i] /= tcpSum;
        }
    }

    /** 100 requests a second of event time from {@link #DEFAULT_START}. */
    public MeshSimulator(long seed) {
        this(seed, DEFAULT_START, 10_000);
    }

    /** An edge of the call graph: caller, callee and how calls along it behave. */
    private record Edge(
            String source,
            int sourceInstances,
            String dest,
            int destInstances,
            double weight,
            String[] endpoints,
            int medianLatencyMs,
            double errorRate,
            Reach reach,
            boolean grpc)
            implements Serializable {}

    /** A TCP edge: who connects to whom, how long connections last and how much they carry. */
    private record TcpEdge(
            String source,
            int sourceInstances,
            String dest,
            int destInstances,
            double weight,
            int medianDurationMs,
            int medianRequestBytes,
            int medianResponseBytes,
            Reach reach)
            implements Serializable {}

    /** Which sidecars see calls along an edge. */
    private enum Reach {
        BOTH,
        CALLER_OUTSIDE,
        CALLEE_OUTSIDE
    }

    private void defineMesh() {
        edge(
                "",
                0,
                "istio-ingressgateway",
                2,
                30,
                20,
                0.002,
                Reach.CALLER_OUTSIDE,
                false,
                "GET:/",
                "GET:/product/{id}",
                "POST:/cart",
                "GET:/search");
        edge(
                "istio-ingressgateway",
                2,
                "frontend",
                3,
                30,
                18,
                0.003,
                Reach.BOTH,
                false,
                "GET:/",
                "GET:/product/{id}",
                "POST:/cart",
                "GET:/search");
        edge("frontend", 3, "productpage", 2, 12, 25, 0.004, Reach.BOTH, false, "GET:/productpage");
        edge("productpage", 2, "details", 1, 10, 4, 0.002, Reach.BOTH, false, "GET:/details/{id}");
        edge("productpage", 2, "reviews", 3, 10, 12, 0.01, Reach.BOTH, false, "GET:/reviews/{id}");
        edge("reviews", 3, "ratings", 1, 7, 3, 0.005, Reach.BOTH, true, "/ratings.Ratings/Get");
        edge("frontend", 3, "auth", 2, 15, 2, 0.001, Reach.BOTH, true, "/auth.Auth/Check");
        edge(
                "frontend",
                3,
                "cart",
                2,
                6,
                8,
                0.004,
                Reach.BOTH,
                false,
                "GET:/cart",
                "POST:/cart/items");
        edge("frontend", 3, "search", 2, 5, 40, 0.006, Reach.BOTH, false, "GET:/search");
        edge(
                "frontend",
                3,
                "recommendation",
                2,
                5,
                30,
                0.01,
                Reach.BOTH,
                true,
                "/rec.Recommend/List");
        edge("frontend", 3, "ad", 1, 4, 6, 0.02, Reach.BOTH, true, "/ad.Ads/Get");
        edge(
                "frontend",
                3,
                "currency",
                1,
                4,
                1,
                0.001,
                Reach.BOTH,
                true,
                "/currency.Currency/Convert");
        edge("frontend", 3, "user", 2, 4, 5, 0.002, Reach.BOTH, false, "GET:/users/{id}");
        edge("frontend", 3, "checkout", 2, 2, 60, 0.01, Reach.BOTH, false, "POST:/checkout");
        edge("cart", 2, "inventory", 2, 4, 6, 0.003, Reach.BOTH, false, "GET:/stock/{sku}");
        edge("cart", 2, "catalog", 2, 4, 4, 0.002, Reach.BOTH, false, "GET:/catalog/{sku}");
        edge("search", 2, "catalog", 2, 4, 9, 0.002, Reach.BOTH, false, "GET:/catalog/search");
        edge(
                "recommendation",
                2,
                "catalog",
                2,
                3,
                4,
                0.002,
                Reach.BOTH,
                false,
                "GET:/catalog/{sku}");
        edge("checkout", 2, "payment", 2, 2, 120, 0.02, Reach.BOTH, false, "POST:/charge");
        edge("checkout", 2, "shipping", 1, 2, 15, 0.005, Reach.BOTH, false, "POST:/quote");
        edge("checkout", 2, "email", 1, 2, 25, 0.01, Reach.BOTH, false, "POST:/send");
        edge(
                "checkout",
                2,
                "currency",
                1,
                2,
                1,
                0.001,
                Reach.BOTH,
                true,
                "/currency.Currency/Convert");
        edge("email", 1, "notification", 1, 2, 10, 0.005, Reach.BOTH, false, "POST:/notify");
        edge("payment", 2, "fraud-check", 1, 2, 35, 0.004, Reach.BOTH, true, "/fraud.Fraud/Score");
        edge(
                "payment",
                2,
                "api.stripe.com",
                0,
                2,
                180,
                0.03,
                Reach.CALLEE_OUTSIDE,
                false,
                "POST:/v1/charges");
        edge(
                "user",
                2,
                "profile-db-proxy",
                1,
                3,
                3,
                0.001,
                Reach.BOTH,
                false,
                "GET:/profiles/{id}");
    }

    /**
     * A call graph of {@code shape.services()} services: a few enter from outside the mesh, every
     * other service is called by one that comes before it (so every service and every endpoint can
     * be reached), and as many calls again join random pairs. Weights vary, so some edges are
     * busier than others, as in a real mesh.
     */
    private void generateMesh(MeshShape shape) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x6A09E667F3BCC909L);
        int services = shape.services();
        String[] names = new String[services];
        int[] instances = new int[services];
        String[][] endpoints = new String[services][];
        for (int i = 0; i < services; i++) {
            names[i] = String.format("svc-%04d", i);
            instances[i] = share(shape.instances(), services, i);
            endpoints[i] = new String[share(shape.endpoints(), services, i)];
            for (int e = 0; e < endpoints[i].length; e++) {
                endpoints[i][e] = "GET:/" + names[i] + "/op" + e;
            }
        }
        int entries = Math.min(10, services - 1);
        for (int i = 0; i < entries; i++) {
            generatedEdge(
                    "", 0, names[i], instances[i], endpoints[i], Reach.CALLER_OUTSIDE, random);
        }
        for (int callee = 1; callee < services; callee++) {
            int caller = random.nextInt(callee);
            generatedEdge(
                    names[caller],
                    instances[caller],
                    names[callee],
                    instances[callee],
                    endpoints[callee],
                    Reach.BOTH,
                    random);
        }
        for (int extra = 0; extra < services; extra++) {
            int caller = random.nextInt(services);
            int callee = random.nextInt(services);
            if (caller != callee) {
                generatedEdge(
                        names[caller],
                        instances[caller],
                        names[callee],
                        instances[callee],
                        endpoints[callee],
                        Reach.BOTH,
                        random);
            }
        }
    }

    /** Item {@code i}'s share of {@code total} spread evenly over {@code count}. */
    private static int share(int total, int count, int i) {
        return total / count + (i < total % count ? 1 : 0);
    }

    private void generatedEdge(
            String source,
            int sourceInstances,
            String dest,
            int destInstances,
            String[] endpoints,
            Reach reach,
            SplittableRandom random) {
        edge(
                source,
                sourceInstances,
                dest,
                destInstances,
                0.5 + random.nextDouble() * (reach == Reach.CALLER_OUTSIDE ? 20 : 1),
                2 + random.nextInt(80),
                0.001 + random.nextDouble() * 0.01,
                reach,
                false,
                endpoints);
    }

    private void defineTcp() {
        tcpEdges.add(new TcpEdge("reviews", 3, "mysql", 1, 4, 40, 600, 12_000, Reach.BOTH));
        tcpEdges.add(new TcpEdge("cart", 2, "redis", 1, 5, 3, 120, 900, Reach.BOTH));
        tcpEdges.add(new TcpEdge("inventory", 2, "redis", 1, 2, 3, 100, 300, Reach.BOTH));
        tcpEdges.add(
                new TcpEdge(
                        "user",
                        2,
                        "postgres.internal",
                        0,
                        2,
                        25,
                        400,
                        5_000,
                        Reach.CALLEE_OUTSIDE));
        tcpEdges.add(
                new TcpEdge("", 0, "mysql", 1, 1, 2_000, 50_000, 800_000, Reach.CALLER_OUTSIDE));
    }

    private void edge(
            String source,
            int sourceInstances,
            String dest,
            int destInstances,
            double weight,
            int medianLatencyMs,
            double errorRate,
            Reach reach,
            boolean grpc,
            String... endpoints) {
        edges.add(
                new Edge(
                        source,
                        sourceInstances,
                        dest,
                        destInstances,
                        weight,
                        endpoints,
                        medianLatencyMs,
                        errorRate,
                        reach,
                        grpc));
    }

    /** The reports of request {@code n}: its client and server sides, as one message. */
    public ServiceMeshMetrics request(long n) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + n);
        Edge edge = pickEdge(random.nextDouble());
        long start =
                startTime
                        + (n * spacingMicros + random.nextLong(Math.max(1, spacingMicros))) / 1000;
        String requestId = requestId(random);
        String sourceInstance = instance(edge.source, edge.sourceInstances, random);
        String destInstance = instance(edge.dest, edge.destInstances, random);
        String endpoint = edge.endpoints[random.nextInt(edge.endpoints.length)];
        String tls =
                edge.reach == Reach.BOTH
                        ? "mTLS"
                        : edge.reach == Reach.CALLEE_OUTSIDE ? "TLS" : "NONE";

        // A request nobody reported does not exist: a caller outside the mesh always reached the
        // server, and
        // a request that never reached its server is reported by its caller.
        boolean reached =
                edge.reach == Reach.CALLER_OUTSIDE
                        || (edge.reach != Reach.CALLEE_OUTSIDE
                                && random.nextDouble() >= UNREACHED_RATE);
        boolean clientReports =
                edge.reach != Reach.CALLER_OUTSIDE
                        && (!reached || random.nextDouble() >= UNREPORTED_CALLER_RATE);
        boolean retried = reached && clientReports && random.nextDouble() < RETRY_RATE;

        HTTPServiceMeshMetric.Builder template =
                HTTPServiceMeshMetric.newBuilder()
                        .setRequestId(requestId)
                        .setSourceServiceName(edge.source)
                        .setSourceServiceInstance(sourceInstance)
                        .setDestServiceName(edge.dest)
                        .setDestServiceInstance(destInstance)
                        .setEndpoint(endpoint)
                        .setProtocol(edge.grpc ? Protocol.gRPC : Protocol.HTTP)
                        .setTlsMode(tls);

        List<HTTPServiceMeshMetric> sides = new ArrayList<>(4);
        int overhead = 1 + random.nextInt(4);
        int serverLatency = latency(edge.medianLatencyMs, random);
        int code = responseCode(edge.errorRate, random);
        int clientLatency;
        int clientCode;
        if (!reached) {
            // Never got an answer: the caller's sidecar reports a failure of its own.
            clientCode = edge.reach == Reach.CALLEE_OUTSIDE ? code : 503;
            clientLatency =
                    edge.reach == Reach.CALLEE_OUTSIDE
                            ? serverLatency + overhead
                            : 1 + random.nextInt(30);
        } else if (retried) {
            // The first attempt fails, the client's sidecar retries, the second attempt succeeds.
            sides.add(server(template, start + 1, serverLatency, 503, "URX"));
            int secondLatency = latency(edge.medianLatencyMs, random);
            sides.add(server(template, start + 1 + serverLatency + 2, secondLatency, 200, ""));
            clientLatency = serverLatency + 2 + secondLatency + overhead;
            clientCode = 200;
        } else {
            sides.add(server(template, start + 1, serverLatency, code, ""));
            clientLatency = serverLatency + overhead;
            clientCode = code;
        }
        if (clientReports) {
            sides.add(
                    template.clone()
                            .setStartTime(start)
                            .setEndTime(start + clientLatency)
                            .setLatency(clientLatency)
                            .setResponseCode(clientCode)
                            .setStatus(clientCode > 0 && clientCode < 500)
                            .setDetectPoint(DetectPoint.client)
                            .setInternalErrorCode(!reached && edge.reach == Reach.BOTH ? "UF" : "")
                            .build());
        }
        if (random.nextDouble() < DUPLICATE_RATE) {
            sides.add(sides.get(random.nextInt(sides.size())));
        }
        if (sides.size() > 1 && random.nextBoolean()) {
            // Sidecars report independently: either side may come first.
            sides.add(sides.remove(0));
        }
        return ServiceMeshMetrics.newBuilder()
                .setHttpMetrics(HTTPServiceMeshMetrics.newBuilder().addAllMetrics(sides))
                .build();
    }

    /**
     * The reports of TCP connection {@code n}, as one message: its client and server sides, or the
     * one side that saw it. Connection {@code n} starts about when request {@code n * }{@value
     * #REQUESTS_PER_CONNECTION} does.
     */
    public ServiceMeshMetrics connection(long n) {
        SplittableRandom random = new SplittableRandom(seed * 0xC2B2AE3D27D4EB4FL + n + 1);
        TcpEdge edge = pickTcpEdge(random.nextDouble());
        long spacing = spacingMicros * REQUESTS_PER_CONNECTION;
        long start = startTime + (n * spacing + random.nextLong(Math.max(1, spacing))) / 1000;
        boolean failed =
                edge.reach != Reach.CALLER_OUTSIDE && random.nextDouble() < CONNECTION_FAILURE_RATE;
        long duration =
                failed
                        ? 1 + random.nextInt(20)
                        : Math.max(1, latency(edge.medianDurationMs, random));
        long requestBytes = failed ? 0 : Math.max(1, latency(edge.medianRequestBytes, random));
        long responseBytes = failed ? 0 : Math.max(1, latency(edge.medianResponseBytes, random));
        String tls =
                edge.reach == Reach.BOTH
                        ? "mTLS"
                        : edge.reach == Reach.CALLEE_OUTSIDE ? "TLS" : "NONE";
        TCPServiceMeshMetric.Builder template =
                TCPServiceMeshMetric.newBuilder()
                        .setSourceServiceName(edge.source)
                        .setSourceServiceInstance(
                                instance(edge.source, edge.sourceInstances, random))
                        .setDestServiceName(edge.dest)
                        .setDestServiceInstance(instance(edge.dest, edge.destInstances, random))
                        .setTlsMode(tls);

        List<TCPServiceMeshMetric> sides = new ArrayList<>(3);
        if (edge.reach != Reach.CALLER_OUTSIDE) {
            sides.add(
                    template.clone()
                            .setDetectPoint(DetectPoint.client)
                            .setStartTime(start)
                            .setEndTime(start + duration)
                            .setSentBytes(requestBytes)
                            .setReceivedBytes(responseBytes)
                            .setInternalErrorCode(failed ? "UF" : "")
                            .build());
        }
        if (edge.reach != Reach.CALLEE_OUTSIDE && !failed) {
            // the server end accepts a moment later and sees the same bytes the other way
            sides.add(
                    template.clone()
                            .setDetectPoint(DetectPoint.server)
                            .setStartTime(start + 1)
                            .setEndTime(start + Math.max(1, duration - 1))
                            .setSentBytes(responseBytes)
                            .setReceivedBytes(requestBytes)
                            .build());
        }
        if (random.nextDouble() < DUPLICATE_RATE) {
            sides.add(sides.get(random.nextInt(sides.size())));
        }
        if (sides.size() > 1 && random.nextBoolean()) {
            sides.add(sides.remove(0));
        }
        return ServiceMeshMetrics.newBuilder()
                .setTcpMetrics(TCPServiceMeshMetrics.newBuilder().addAllMetrics(sides))
                .build();
    }

    /**
     * Record {@code i} of a simulated run with TCP traffic: requests, and after every {@value
     * #REQUESTS_PER_CONNECTION} of them a connection. {@link #records} of them hold exactly the
     * given number of requests.
     */
    public ServiceMeshMetrics record(long i) {
        long block = i / (REQUESTS_PER_CONNECTION + 1);
        long position = i % (REQUESTS_PER_CONNECTION + 1);
        return position == REQUESTS_PER_CONNECTION
                ? connection(block)
                : request(block * REQUESTS_PER_CONNECTION + position);
    }

    /** How many of {@link #record}'s records hold {@code requests} requests. */
    public static long records(long requests) {
        return requests + requests / REQUESTS_PER_CONNECTION;
    }

    private TcpEdge pickTcpEdge(double u) {
        for (int i = 0; i < tcpCumulativeWeights.length; i++) {
            if (u < tcpCumulativeWeights[i]) {
                return tcpEdges.get(i);
            }
        }
        return tcpEdges.get(tcpEdges.size() - 1);
    }

    private static HTTPServiceMeshMetric server(
            HTTPServiceMeshMetric.Builder template,
            long start,
            int latency,
            int code,
            String flags) {
        return template.clone()
                .setStartTime(start)
                .setEndTime(start + latency)
                .setLatency(latency)
                .setResponseCode(code)
                .setStatus(code > 0 && code < 500)
                .setDetectPoint(DetectPoint.server)
                .setInternalErrorCode(flags)
                .build();
    }

    private Edge pickEdge(double u) {
        // the first edge whose cumulative weight exceeds u, by bisection: a generated mesh has
        // thousands of edges
        int low = 0;
        int high = cumulativeWeights.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (u < cumulativeWeights[mid]) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return edges.get(low);
    }

    /** Log-normal around the median, with a heavy tail: what service latencies look like. */
    private static int latency(int medianMs, SplittableRandom random) {
        double spread = random.nextDouble() < 0.02 ? 1.6 : 0.5;
        return (int) Math.max(0, Math.round(medianMs * Math.exp(spread * random.nextGaussian())));
    }

    private static int responseCode(double errorRate, SplittableRandom random) {
        double u = random.nextDouble();
        if (u < errorRate) {
            return random.nextBoolean() ? 500 : 503;
        }
        if (u < errorRate * 3) {
            return 404;
        }
        if (u < errorRate * 3.5) {
            return 302;
        }
        return 200;
    }

    private static String instance(String service, int instances, SplittableRandom random) {
        if (instances == 0) {
            return "";
        }
        int k = random.nextInt(instances);
        return service
                + "-"
                + Integer.toHexString((service.hashCode() & 0xfffff) | 0x100000)
                + "-"
                + k;
    }

    private static String requestId(SplittableRandom random) {
        return Long.toHexString(random.nextLong()) + "-" + Long.toHexString(random.nextLong());
    }
}
