package io.meshflow.aggregate;

import io.meshflow.pair.CallEvent;
import io.meshflow.pair.CallEvent.Kind;
import io.meshflow.time.Granularity;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static io.meshflow.testing.Sides.T0;
import static io.meshflow.testing.Sides.client;
import static io.meshflow.testing.Sides.server;
import static io.meshflow.testing.Sides.tcp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which rows each kind of pairing event counts in, and with which counters (SPEC sections 3 and 4).
 */
class CallRouterTest {
    private static final long NEXT_MINUTE = T0 + 60_000;

    /** T is 500 ms, except for the destination "slow", whose T is 2 s. */
    private final CallRouter router =
            new CallRouter(new ApdexThresholds(500, Map.of("slow", 2_000L)));

    private final Map<MetricKey, MetricsAccumulator> rows = new HashMap<>();

    @Test
    void pairedCallCountsNodesFromTheServersViewAndTheEdgeFromTheClients() {
        route(
                CallEvent.paired(
                        client("r1", "A", "B").at(T0 + 1000).latency(700).code(200).build(),
                        server("r1", "A", "B").at(T0 + 1005).latency(100).code(200).build()));

        assertThat(rows.keySet())
                .containsExactlyInAnyOrder(
                        serviceMetrics(T0, "B"),
                        instanceMetrics(T0, "B", "B-1"),
                        endpointMetrics(T0, "B", "GET:/items"),
                        serviceEdges(T0, "A", "B"),
                        instanceEdges(T0, "A", "A-1", "B", "B-1"),
                        pipelineStats(T0),
                        services(T0, "A"),
                        services(T0, "B"));

        for (MetricsAccumulator node :
                new MetricsAccumulator[] {
                    row(serviceMetrics(T0, "B")),
                    row(instanceMetrics(T0, "B", "B-1")),
                    row(endpointMetrics(T0, "B", "GET:/items"))
                }) {
            assertThat(node.calls).isEqualTo(1);
            assertThat(node.latencySumMs).as("server's latency").isEqualTo(100);
            assertThat(node.apdexSatisfied).as("100 ms <= T").isEqualTo(1);
            assertThat(node.status2xx).isEqualTo(1);
            assertThat(node.pairedCalls).as("edge counters stay out of node rows").isZero();
        }

        MetricsAccumulator edge = row(serviceEdges(T0, "A", "B"));
        assertThat(edge.calls).isEqualTo(1);
        assertThat(edge.latencySumMs).as("client's latency").isEqualTo(700);
        assertThat(edge.apdexTolerating).as("T < 700 ms <= 4T").isEqualTo(1);
        assertThat(edge.pairedCalls).isEqualTo(1);
        assertThat(edge.clientOnlyCalls + edge.serverOnlyCalls + edge.serverRetries).isZero();
        assertThat(edge.clientLatencySumMs).isEqualTo(700);
        assertThat(edge.serverLatencySumMs).isEqualTo(100);
        assertThat(edge.overheadAvgMs()).isEqualTo(600.0);
        assertThat(edge.mtlsCalls).isEqualTo(1);

        MetricsAccumulator instanceEdge = row(instanceEdges(T0, "A", "A-1", "B", "B-1"));
        assertThat(instanceEdge.calls).isEqualTo(1);
        assertThat(instanceEdge.latencySumMs).isEqualTo(700);
        assertThat(instanceEdge.pairedCalls).isEqualTo(1);

        MetricsAccumulator stats = row(pipelineStats(T0));
        assertThat(stats.sides).isEqualTo(2);
        assertThat(stats.pairedCalls).isEqualTo(1);
        assertThat(
                        stats.clientOnlyCalls
                                + stats.serverOnlyCalls
                                + stats.duplicateSides
                                + stats.lateSides)
                .isZero();

        assertThat(row(services(T0, "A")).kind()).isEqualTo(ServiceKind.MESH);
        assertThat(row(services(T0, "B")).kind()).isEqualTo(ServiceKind.MESH);
        assertThat(row(services(T0, "A")).firstSeen).as("the call time").isEqualTo(T0 + 1000);
        assertThat(row(services(T0, "B")).lastSeen).isEqualTo(T0 + 1000);
    }

    @Test
    void pairedCallFailingOnlyOnTheServerIsANodeErrorButNotAnEdgeError() {
        route(
                CallEvent.paired(
                        client("r1", "A", "B").code(200).build(),
                        server("r1", "A", "B").code(503).build()));

        assertThat(row(serviceMetrics(T0, "B")).errors).isEqualTo(1);
        assertThat(row(serviceMetrics(T0, "B")).status5xx).isEqualTo(1);
        assertThat(row(serviceEdges(T0, "A", "B")).errors).isZero();
        assertThat(row(serviceEdges(T0, "A", "B")).status2xx).isEqualTo(1);
    }

    @Test
    void mtlsIsTakenFromTheServersViewOfAPairedCall() {
        route(
                CallEvent.paired(
                        client("r1", "A", "B").tls("TLS").build(),
                        server("r1", "A", "B").tls("mTLS").build()));
        route(
                CallEvent.paired(
                        client("r2", "A", "B").tls("mTLS").build(),
                        server("r2", "A", "B").tls("NONE").build()));

        assertThat(row(serviceEdges(T0, "A", "B")).pairedCalls).isEqualTo(2);
        assertThat(row(serviceEdges(T0, "A", "B")).mtlsCalls).isEqualTo(1);
    }

    @Test
    void clientOnlyCallCountsTheUnreachedDestinationInNodeMetrics() {
        route(
                CallEvent.oneSided(
                        client("r1", "A", "api.example.com")
                                .instances("A-1", "")
                                .latency(30)
                                .code(503)
                                .tls("TLS")
                                .build()));

        assertThat(rows.keySet())
                .containsExactlyInAnyOrder(
                        serviceMetrics(T0, "api.example.com"),
                        endpointMetrics(T0, "api.example.com", "GET:/items"),
                        serviceEdges(T0, "A", "api.example.com"),
                        pipelineStats(T0),
                        services(T0, "A"),
                        services(T0, "api.example.com"));

        MetricsAccumulator node = row(serviceMetrics(T0, "api.example.com"));
        assertThat(node.calls).isEqualTo(1);
        assertThat(node.errors)
                .as("a service that is down shows its callers' failures")
                .isEqualTo(1);
        assertThat(node.status5xx).isEqualTo(1);

        MetricsAccumulator edge = row(serviceEdges(T0, "A", "api.example.com"));
        assertThat(edge.calls).isEqualTo(1);
        assertThat(edge.clientOnlyCalls).isEqualTo(1);
        assertThat(edge.pairedCalls + edge.serverOnlyCalls).isZero();
        assertThat(edge.clientLatencySumMs + edge.serverLatencySumMs)
                .as("paired calls only")
                .isZero();
        assertThat(edge.overheadAvgMs()).isNull();
        assertThat(edge.mtlsCalls).isZero();

        MetricsAccumulator stats = row(pipelineStats(T0));
        assertThat(stats.sides).isEqualTo(1);
        assertThat(stats.clientOnlyCalls).isEqualTo(1);

        assertThat(row(services(T0, "A")).kind())
                .as("reported the client side")
                .isEqualTo(ServiceKind.MESH);
        assertThat(row(services(T0, "api.example.com")).kind()).isEqualTo(ServiceKind.EXTERNAL);
    }

    @Test
    void serverOnlyCallWithoutSourceComesFromUnknown() {
        route(CallEvent.oneSided(server("r1", "", "gateway").at(T0 + 4000).latency(20).build()));

        assertThat(rows.keySet())
                .containsExactlyInAnyOrder(
                        serviceMetrics(T0, "gateway"),
                        instanceMetrics(T0, "gateway", "gateway-1"),
                        endpointMetrics(T0, "gateway", "GET:/items"),
                        serviceEdges(T0, "unknown", "gateway"),
                        pipelineStats(T0),
                        services(T0, "unknown"),
                        services(T0, "gateway"));

        MetricsAccumulator edge = row(serviceEdges(T0, "unknown", "gateway"));
        assertThat(edge.calls).isEqualTo(1);
        assertThat(edge.serverOnlyCalls).isEqualTo(1);
        assertThat(edge.latencySumMs).isEqualTo(20);
        assertThat(row(pipelineStats(T0)).serverOnlyCalls).isEqualTo(1);
        assertThat(row(pipelineStats(T0)).sides).isEqualTo(1);
        assertThat(row(services(T0, "unknown")).kind()).isEqualTo(ServiceKind.UNKNOWN);
        assertThat(row(services(T0, "gateway")).kind()).isEqualTo(ServiceKind.MESH);
    }

    @Test
    void serverOnlyCallFromANamedCallerMakesTheCallerExternal() {
        route(CallEvent.oneSided(server("r1", "batch-job", "B").build()));

        assertThat(row(serviceEdges(T0, "batch-job", "B")).serverOnlyCalls).isEqualTo(1);
        assertThat(row(services(T0, "batch-job")).kind()).isEqualTo(ServiceKind.EXTERNAL);
        assertThat(row(services(T0, "B")).kind()).isEqualTo(ServiceKind.MESH);
    }

    @Test
    void retryCountsInNodeMetricsAndServerRetriesButIsNoCallOnTheEdge() {
        long callTime = T0 + 59_000;
        route(
                CallEvent.retry(
                        server("r1", "A", "B").at(NEXT_MINUTE + 110).latency(120).code(200).build(),
                        callTime,
                        "A"));

        assertThat(rows.keySet())
                .containsExactlyInAnyOrder(
                        serviceMetrics(T0, "B"),
                        instanceMetrics(T0, "B", "B-1"),
                        endpointMetrics(T0, "B", "GET:/items"),
                        serviceEdges(T0, "A", "B"),
                        services(T0, "B"),
                        pipelineStats(NEXT_MINUTE));

        MetricsAccumulator node = row(serviceMetrics(T0, "B"));
        assertThat(node.calls).as("the server did serve it, in its call's bucket").isEqualTo(1);
        assertThat(node.latencySumMs).isEqualTo(120);

        MetricsAccumulator edge = row(serviceEdges(T0, "A", "B"));
        assertThat(edge.serverRetries).isEqualTo(1);
        assertThat(edge.calls).isZero();
        assertThat(edge.pairedCalls + edge.clientOnlyCalls + edge.serverOnlyCalls).isZero();

        MetricsAccumulator stats = row(pipelineStats(NEXT_MINUTE));
        assertThat(stats.sides).as("the retry's side, in its own minute").isEqualTo(1);
        assertThat(stats.pairedCalls + stats.clientOnlyCalls + stats.serverOnlyCalls).isZero();
        assertThat(row(services(T0, "B")).kind()).isEqualTo(ServiceKind.MESH);
    }

    @Test
    void duplicateCountsOnlyInPipelineStatsInTheMinuteOfItsOwnStart() {
        route(
                CallEvent.dropped(
                        Kind.DUPLICATE, client("r1", "A", "B").at(NEXT_MINUTE + 500).build()));

        assertThat(rows.keySet()).containsExactly(pipelineStats(NEXT_MINUTE));
        MetricsAccumulator stats = row(pipelineStats(NEXT_MINUTE));
        assertThat(stats.sides).isEqualTo(1);
        assertThat(stats.duplicateSides).isEqualTo(1);
        assertThat(stats.lateSides).isZero();
        assertThat(stats.calls + stats.pairedCalls + stats.clientOnlyCalls + stats.serverOnlyCalls)
                .isZero();
    }

    @Test
    void aCallUnderOtherCountsAsEndpointOverflowInPipelineStats() {
        CallEvent overflow =
                CallEvent.oneSided(client("r1", "A", "B").endpoint("GET:/x").at(T0).build());
        overflow.endpoint = CapEndpoints.OTHER;
        overflow.endpointOverflow = true;
        route(overflow);
        route(CallEvent.oneSided(client("r2", "A", "B").endpoint("GET:/y").at(T0).build()));

        assertThat(row(pipelineStats(T0)).endpointOverflowCalls).isEqualTo(1);
        assertThat(row(endpointMetrics(T0, "B", CapEndpoints.OTHER)).calls).isEqualTo(1);
    }

    @Test
    void anIgnoredSpanCountsOnlyInPipelineStatsInTheMinuteOfItsStart() {
        route(CallEvent.ignored(NEXT_MINUTE + 500));
        route(CallEvent.ignored(NEXT_MINUTE + 59_999));

        assertThat(rows.keySet()).containsExactly(pipelineStats(NEXT_MINUTE));
        MetricsAccumulator stats = row(pipelineStats(NEXT_MINUTE));
        assertThat(stats.ignoredSpans).isEqualTo(2);
        assertThat(stats.sides).as("a span that is no call is no side").isZero();
    }

    @Test
    void lateServerSideCountsOnlyInPipelineStatsInTheMinuteOfItsOwnStart() {
        route(CallEvent.dropped(Kind.LATE, server("r1", "A", "B").at(NEXT_MINUTE + 500).build()));

        assertThat(rows.keySet()).containsExactly(pipelineStats(NEXT_MINUTE));
        MetricsAccumulator stats = row(pipelineStats(NEXT_MINUTE));
        assertThat(stats.sides).isEqualTo(1);
        assertThat(stats.lateSides).isEqualTo(1);
        assertThat(stats.duplicateSides).isZero();
    }

    @Test
    void eachSideCountsInTheMinuteOfItsOwnStartWhileTheCallCountsInTheClientsMinute() {
        route(
                CallEvent.paired(
                        client("r1", "A", "B").at(T0 + 59_990).build(),
                        server("r1", "A", "B").at(NEXT_MINUTE + 10).build()));

        MetricsAccumulator callMinute = row(pipelineStats(T0));
        assertThat(callMinute.sides).as("the client side").isEqualTo(1);
        assertThat(callMinute.pairedCalls).isEqualTo(1);
        MetricsAccumulator serverMinute = row(pipelineStats(NEXT_MINUTE));
        assertThat(serverMinute.sides).as("the server side").isEqualTo(1);
        assertThat(serverMinute.pairedCalls).isZero();

        assertThat(rows.keySet())
                .filteredOn(k -> k.table != Table.PIPELINE_STATS)
                .extracting(k -> k.bucketStart)
                .containsOnly(T0);
    }

    @Test
    void instanceRowsAreLeftOutWhenTheDestinationInstanceIsEmpty() {
        route(
                CallEvent.paired(
                        client("r1", "A", "B").instances("A-1", "").build(),
                        server("r1", "A", "B").instances("A-1", "").build()));

        assertThat(rows.keySet())
                .extracting(k -> k.table)
                .doesNotContain(Table.INSTANCE_METRICS, Table.INSTANCE_EDGES)
                .contains(Table.SERVICE_METRICS, Table.ENDPOINT_METRICS, Table.SERVICE_EDGES);
    }

    @Test
    void instanceEdgesAreLeftOutWhenTheSourceInstanceIsEmptyButInstanceMetricsAreKept() {
        route(CallEvent.oneSided(server("r1", "A", "B").instances("", "B-2").build()));

        assertThat(rows.keySet()).extracting(k -> k.table).doesNotContain(Table.INSTANCE_EDGES);
        assertThat(row(instanceMetrics(T0, "B", "B-2")).calls).isEqualTo(1);
    }

    @Test
    void theDestinationInstanceTheClientKnowsIsUsedWhenTheServerOmitsIt() {
        route(
                CallEvent.paired(
                        client("r1", "A", "B").instances("A-1", "B-7").build(),
                        server("r1", "A", "B").instances("A-1", "").build()));

        assertThat(row(instanceMetrics(T0, "B", "B-7")).calls).isEqualTo(1);
        assertThat(row(instanceEdges(T0, "A", "A-1", "B", "B-7")).pairedCalls).isEqualTo(1);
    }

    @Test
    void endpointRowsAreLeftOutWhenTheEndpointIsEmpty() {
        route(CallEvent.oneSided(client("r1", "A", "B").endpoint("").build()));

        assertThat(rows.keySet())
                .extracting(k -> k.table)
                .doesNotContain(Table.ENDPOINT_METRICS)
                .contains(Table.SERVICE_METRICS);
    }

    @Test
    void endpointIsTheServersWhenBothSidesNameOne() {
        route(
                CallEvent.paired(
                        client("r1", "A", "B").endpoint("GET:/items/42").build(),
                        server("r1", "A", "B").endpoint("GET:/items/{id}").build()));

        assertThat(rows.keySet())
                .filteredOn(k -> k.table == Table.ENDPOINT_METRICS)
                .containsExactly(endpointMetrics(T0, "B", "GET:/items/{id}"));
    }

    @Test
    void apdexThresholdIsTheDestinationServices() {
        route(CallEvent.oneSided(server("r1", "A", "slow").latency(1_500).build()));
        route(CallEvent.oneSided(server("r2", "slow", "fast").latency(1_500).build()));

        MetricsAccumulator slow = row(serviceMetrics(T0, "slow"));
        assertThat(slow.apdexSatisfied).as("1.5 s <= T of slow (2 s)").isEqualTo(1);
        assertThat(slow.apdex()).isEqualTo(1.0);
        assertThat(row(serviceEdges(T0, "A", "slow")).apdexSatisfied).isEqualTo(1);

        MetricsAccumulator fast = row(serviceMetrics(T0, "fast"));
        assertThat(fast.apdexSatisfied).as("the caller's threshold does not apply").isZero();
        assertThat(fast.apdexTolerating).as("T < 1.5 s <= 4T of the default 500 ms").isEqualTo(1);
        assertThat(fast.apdex()).isEqualTo(0.5);
        assertThat(row(serviceEdges(T0, "slow", "fast")).apdexTolerating).isEqualTo(1);
    }

    @Test
    void callsOfTheSameRowAddUp() {
        route(CallEvent.oneSided(server("r1", "A", "B").latency(10).build()));
        route(CallEvent.oneSided(server("r2", "A", "B").latency(30).code(404).build()));
        route(
                CallEvent.paired(
                        client("r3", "A", "B").latency(50).build(),
                        server("r3", "A", "B").latency(40).build()));

        MetricsAccumulator node = row(serviceMetrics(T0, "B"));
        assertThat(node.calls).isEqualTo(3);
        assertThat(node.latencySumMs).isEqualTo(10 + 30 + 40);
        assertThat(node.latencyMaxMs).isEqualTo(40);
        assertThat(node.status4xx).isEqualTo(1);
        assertThat(node.status2xx).isEqualTo(2);
        MetricsAccumulator edge = row(serviceEdges(T0, "A", "B"));
        assertThat(edge.serverOnlyCalls).isEqualTo(2);
        assertThat(edge.pairedCalls).isEqualTo(1);
        assertThat(row(pipelineStats(T0)).sides).isEqualTo(4);
    }

    @Test
    void aTcpClientSideCountsFromItsOwnEndInTheTcpTablesOnly() {
        route(CallEvent.tcp(tcp(true, "app", "db").at(T0 + 61_000).failed("UF").build()));

        assertThat(rows.keySet())
                .containsExactlyInAnyOrder(
                        tcpServiceEdges(NEXT_MINUTE, "app", "db"),
                        tcpInstanceEdges(NEXT_MINUTE, "app", "app-1", "db", "db-1"),
                        pipelineStats(NEXT_MINUTE),
                        services(NEXT_MINUTE, "app"),
                        services(NEXT_MINUTE, "db"));
        for (MetricKey key :
                new MetricKey[] {
                    tcpServiceEdges(NEXT_MINUTE, "app", "db"),
                    tcpInstanceEdges(NEXT_MINUTE, "app", "app-1", "db", "db-1")
                }) {
            MetricsAccumulator edge = row(key);
            assertThat(edge.clientConnections).isEqualTo(1);
            assertThat(edge.serverConnections).isZero();
            assertThat(edge.failedConnections).isEqualTo(1);
            assertThat(edge.mtlsConnections).as("mTLS counts from the server end").isZero();
            assertThat(edge.clientSentBytes).isEqualTo(100);
            assertThat(edge.clientReceivedBytes).isEqualTo(2_000);
            assertThat(edge.serverSentBytes + edge.serverReceivedBytes).isZero();
            assertThat(edge.durationSumMs).isEqualTo(250);
            assertThat(edge.durationMaxMs).isEqualTo(250);
            assertThat(edge.calls).as("no HTTP call").isZero();
        }
        assertThat(row(pipelineStats(NEXT_MINUTE)).sides).isEqualTo(1);
        assertThat(row(pipelineStats(NEXT_MINUTE)).clientOnlyCalls).isZero();
        assertThat(row(services(NEXT_MINUTE, "app")).kind()).isEqualTo(ServiceKind.MESH);
        assertThat(row(services(NEXT_MINUTE, "db")).kind()).isEqualTo(ServiceKind.EXTERNAL);
    }

    @Test
    void aTcpServerSideOfAnUnnamedCallerCountsUnderUnknownWithoutInstanceEdge() {
        route(CallEvent.tcp(tcp(false, "", "db").at(T0 + 1_000).endingAt(T0 + 5_000).build()));

        assertThat(rows.keySet())
                .containsExactlyInAnyOrder(
                        tcpServiceEdges(T0, "unknown", "db"),
                        pipelineStats(T0),
                        services(T0, "unknown"),
                        services(T0, "db"));
        MetricsAccumulator edge = row(tcpServiceEdges(T0, "unknown", "db"));
        assertThat(edge.serverConnections).isEqualTo(1);
        assertThat(edge.clientConnections + edge.failedConnections).isZero();
        assertThat(edge.mtlsConnections).isEqualTo(1);
        assertThat(edge.serverSentBytes).isEqualTo(100);
        assertThat(edge.serverReceivedBytes).isEqualTo(2_000);
        assertThat(edge.durationSumMs).isEqualTo(4_000);
        assertThat(row(services(T0, "unknown")).kind()).isEqualTo(ServiceKind.UNKNOWN);
        assertThat(row(services(T0, "db")).kind()).isEqualTo(ServiceKind.MESH);
    }

    @Test
    void tcpSidesOfTheSameEdgeAddUpAndKeepTheLongestLifetime() {
        route(CallEvent.tcp(tcp(true, "app", "db").at(T0 + 1_000).build()));
        route(CallEvent.tcp(tcp(true, "app", "db").at(T0 + 2_000).endingAt(T0 + 9_000).build()));
        route(CallEvent.tcp(tcp(false, "app", "db").at(T0 + 3_000).build()));

        MetricsAccumulator edge = row(tcpServiceEdges(T0, "app", "db"));
        assertThat(edge.clientConnections).isEqualTo(2);
        assertThat(edge.serverConnections).isEqualTo(1);
        assertThat(edge.clientSentBytes).isEqualTo(200);
        assertThat(edge.durationSumMs).isEqualTo(250 + 7_000 + 250);
        assertThat(edge.durationMaxMs).isEqualTo(7_000);
        assertThat(row(pipelineStats(T0)).sides).isEqualTo(3);
    }

    private static MetricKey tcpServiceEdges(long minute, String source, String dest) {
        return MetricKey.ofTcpServiceEdges(Granularity.MINUTE, minute, source, dest);
    }

    private static MetricKey tcpInstanceEdges(
            long minute,
            String sourceService,
            String sourceInstance,
            String destService,
            String destInstance) {
        return MetricKey.ofTcpInstanceEdges(
                Granularity.MINUTE,
                minute,
                sourceService,
                sourceInstance,
                destService,
                destInstance);
    }

    private void route(CallEvent event) {
        router.route(
                event,
                (table, minuteStart, n1, n2, n3, n4) -> {
                    assertThat(minuteStart)
                            .as("rows are addressed by minute")
                            .isEqualTo(Granularity.MINUTE.bucketStart(minuteStart));
                    return rows.computeIfAbsent(
                            new MetricKey(table, Granularity.MINUTE, minuteStart, n1, n2, n3, n4),
                            k -> new MetricsAccumulator());
                });
    }

    private MetricsAccumulator row(MetricKey key) {
        assertThat(rows).as("rows routed to").containsKey(key);
        return rows.get(key);
    }

    private static MetricKey serviceMetrics(long minute, String service) {
        return MetricKey.ofServiceMetrics(Granularity.MINUTE, minute, service);
    }

    private static MetricKey instanceMetrics(long minute, String service, String instance) {
        return MetricKey.ofInstanceMetrics(Granularity.MINUTE, minute, service, instance);
    }

    private static MetricKey endpointMetrics(long minute, String service, String endpoint) {
        return MetricKey.ofEndpointMetrics(Granularity.MINUTE, minute, service, endpoint);
    }

    private static MetricKey serviceEdges(long minute, String source, String dest) {
        return MetricKey.ofServiceEdges(Granularity.MINUTE, minute, source, dest);
    }

    private static MetricKey instanceEdges(
            long minute,
            String sourceService,
            String sourceInstance,
            String destService,
            String destInstance) {
        return MetricKey.ofInstanceEdges(
                Granularity.MINUTE,
                minute,
                sourceService,
                sourceInstance,
                destService,
                destInstance);
    }

    private static MetricKey pipelineStats(long minute) {
        return MetricKey.ofPipelineStats(Granularity.MINUTE, minute);
    }

    private static MetricKey services(long minute, String service) {
        return MetricKey.ofServices(Granularity.MINUTE, minute, service);
    }
}
