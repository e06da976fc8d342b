package io.meshflow.job;

import io.meshflow.aggregate.MetricKey;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.MetricsAccumulator;
import io.meshflow.aggregate.ServiceKind;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.testing.Collected;
import io.meshflow.job.testing.Dataflow;
import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.OtlpHandCheckedScenario;
import io.meshflow.time.Granularity;

import org.apache.flink.test.junit5.MiniClusterExtension;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.meshflow.job.testing.OtlpHandCheckedScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-checked OpenTelemetry scenario ({@link OtlpHandCheckedScenario}) through the dataflow at
 * parallelism 2: each case of SPEC 1.3 in its row, every span accounted for in pipeline_stats or
 * dead_letters.
 */
class OtlpHandCheckedITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    @TempDir static Path dir;

    private static Collected out;

    @BeforeAll
    static void run() throws Exception {
        JobSettings settings =
                OtlpHandCheckedScenario.settings(OtlpHandCheckedScenario.writeFile(dir));
        out = Dataflow.run(OtlpHandCheckedScenario.batches(settings), settings);
    }

    @Test
    void pairedCallsTakeTheSourceFromTheClientAndTheDestinationFromTheServer() {
        // t1, t7 and t10: the client's view on the edge, the server's in the node tables
        MetricsAccumulator edge = minute(MetricKey.ofServiceEdges(MINUTE, T0, "frontend", "cart"));
        assertThat(edge.calls).isEqualTo(3);
        assertThat(edge.pairedCalls).isEqualTo(3);
        assertThat(edge.serverRetries).as("t7's second SERVER span").isEqualTo(1);
        assertThat(edge.errors).isZero();
        assertThat(edge.latencySumMs).isEqualTo(30 + 300 + 80);
        assertThat(edge.clientLatencySumMs).isEqualTo(30 + 300 + 80);
        assertThat(edge.serverLatencySumMs).isEqualTo(20 + 100 + 70);
        assertThat(edge.mtlsCalls).as("spans do not say").isZero();
        assertThat(edge.status2xx).isEqualTo(3);

        MetricsAccumulator instances =
                minute(MetricKey.ofInstanceEdges(MINUTE, T0, "frontend", "fe-1", "cart", "cart-1"));
        assertThat(instances.calls).isEqualTo(3);
        assertThat(instances.pairedCalls).isEqualTo(3);

        // cart's node view: t1, t7's first attempt (503) and its retry, t6, t10
        MetricsAccumulator cart = minute(MetricKey.ofServiceMetrics(MINUTE, T0, "cart"));
        assertThat(cart.calls).isEqualTo(5);
        assertThat(cart.errors).isEqualTo(1);
        assertThat(cart.latencySumMs).isEqualTo(20 + 100 + 120 + 10 + 70);
        assertThat(cart.status2xx).isEqualTo(4);
        assertThat(cart.status5xx).isEqualTo(1);
        assertThat(minute(MetricKey.ofInstanceMetrics(MINUTE, T0, "cart", "cart-1")).calls)
                .isEqualTo(5);
        assertThat(minute(MetricKey.ofEndpointMetrics(MINUTE, T0, "cart", "GET:/cart/{id}")).calls)
                .isEqualTo(3);
        assertThat(minute(MetricKey.ofEndpointMetrics(MINUTE, T0, "cart", "GET:/health")).calls)
                .isEqualTo(1);
    }

    @Test
    void oldAttributeNamesAreRead() {
        MetricsAccumulator orders =
                minute(MetricKey.ofEndpointMetrics(MINUTE, T0, "cart", "POST:/orders"));
        assertThat(orders.calls).isEqualTo(1);
        assertThat(orders.latencySumMs).isEqualTo(70);
        assertThat(orders.status2xx).as("http.status_code 201").isEqualTo(1);
    }

    @Test
    void clientOnlyCallsAreNamedByPeerServiceElseServerAddressElseUnknown() {
        MetricsAccumulator payments =
                minute(MetricKey.ofServiceEdges(MINUTE, T0, "frontend", "payments"));
        assertThat(payments.calls).isEqualTo(1);
        assertThat(payments.clientOnlyCalls).isEqualTo(1);
        assertThat(payments.latencySumMs).isEqualTo(40);
        assertThat(minute(MetricKey.ofEndpointMetrics(MINUTE, T0, "payments", "charge")).calls)
                .as("no route or template: the span name")
                .isEqualTo(1);

        MetricsAccumulator api =
                minute(MetricKey.ofServiceEdges(MINUTE, T0, "frontend", "api.example.com"));
        assertThat(api.clientOnlyCalls).isEqualTo(1);
        assertThat(api.errors).as("status ERROR").isEqualTo(1);
        assertThat(api.status5xx).isEqualTo(1);

        MetricsAccumulator unknown =
                minute(MetricKey.ofServiceEdges(MINUTE, T0, "frontend", "unknown"));
        assertThat(unknown.clientOnlyCalls).isEqualTo(1);
        assertThat(unknown.latencySumMs).isEqualTo(60);

        assertThat(services("payments")).isEqualTo(ServiceKind.EXTERNAL);
        assertThat(services("frontend")).isEqualTo(ServiceKind.MESH);
        assertThat(services("cart")).isEqualTo(ServiceKind.MESH);
    }

    @Test
    void serverOnlyCallsHaveAnUnknownCaller() {
        MetricsAccumulator root =
                minute(MetricKey.ofServiceEdges(MINUTE, T0, "unknown", "frontend"));
        assertThat(root.serverOnlyCalls).as("t5, a trace root").isEqualTo(1);
        assertThat(root.latencySumMs).isEqualTo(100);
        MetricsAccumulator nonRoot =
                minute(MetricKey.ofServiceEdges(MINUTE, T0, "unknown", "cart"));
        assertThat(nonRoot.serverOnlyCalls).as("t6, its client never reported").isEqualTo(1);
        assertThat(nonRoot.serverRetries).as("t7's retry is on frontend -> cart").isZero();
        assertThat(nonRoot.latencySumMs).isEqualTo(10);
    }

    @Test
    void everySpanIsAccountedFor() {
        MetricsAccumulator stats = minute(MetricKey.ofPipelineStats(MINUTE, T0));
        assertThat(stats.sides).isEqualTo(OtlpHandCheckedScenario.VALID_SIDES);
        assertThat(stats.duplicateSides).as("record 1 redelivered").isEqualTo(1);
        assertThat(stats.ignoredSpans)
                .as("INTERNAL, PRODUCER, CONSUMER, unspecified")
                .isEqualTo(OtlpHandCheckedScenario.IGNORED_SPANS);
        assertThat(stats.lateSides).isZero();
        assertThat(stats.pairedCalls).isEqualTo(3);
        assertThat(stats.clientOnlyCalls).isEqualTo(3);
        assertThat(stats.serverOnlyCalls).isEqualTo(2);
        // 3 paired calls of 2 sides, 6 one-sided, 1 retry, 1 duplicate
        assertThat(2 * stats.pairedCalls + stats.clientOnlyCalls + stats.serverOnlyCalls + 1 + 1)
                .isEqualTo(stats.sides);

        MetricsAccumulator day =
                out.row(
                                Table.PIPELINE_STATS,
                                MetricKey.ofPipelineStats(
                                        Granularity.DAY, Granularity.DAY.bucketStart(T0)))
                        .metrics;
        assertThat(day.ignoredSpans).isEqualTo(OtlpHandCheckedScenario.IGNORED_SPANS);
        assertThat(day.sides).isEqualTo(OtlpHandCheckedScenario.VALID_SIDES);
        assertThat(out.table(Table.PIPELINE_STATS)).hasSize(3);

        assertThat(out.deadLetters())
                .extracting(
                        d ->
                                d.id.replaceFirst("~[0-9a-f]{8}$", "")
                                        + " "
                                        + d.reason.replaceAll(":.*", ""))
                .containsExactlyInAnyOrder(
                        "otlp@12#0 " + DeadLetter.NEGATIVE_LATENCY,
                        "otlp@13#0 " + DeadLetter.MISSING_START_TIME,
                        "otlp@14 " + DeadLetter.UNDECODABLE);
    }

    @Test
    void aDeadSpanIsKeptAsARecordOfJustThatSpan() throws Exception {
        DeadLetter negative =
                out.deadLetters().stream()
                        .filter(d -> d.reason.equals(DeadLetter.NEGATIVE_LATENCY))
                        .findFirst()
                        .orElseThrow();
        ExportTraceServiceRequest kept = ExportTraceServiceRequest.parseFrom(negative.payload);
        assertThat(kept.getResourceSpans(0).getScopeSpans(0).getSpansList())
                .singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("GET"));
        assertThat(
                        kept.getResourceSpans(0)
                                .getResource()
                                .getAttributes(0)
                                .getValue()
                                .getStringValue())
                .isEqualTo("frontend");
        List<byte[]> records = OtlpHandCheckedScenario.records();
        DeadLetter undecodable =
                out.deadLetters().stream()
                        .filter(d -> d.reason.startsWith(DeadLetter.UNDECODABLE))
                        .findFirst()
                        .orElseThrow();
        assertThat(undecodable.payload).isEqualTo(records.get(14));
    }

    private static final Granularity MINUTE = Granularity.MINUTE;

    private static MetricsAccumulator minute(MetricKey key) {
        MetricRecord row = out.row(key.table, key);
        return row.metrics;
    }

    private static ServiceKind services(String service) {
        return out.row(Table.SERVICES, MetricKey.ofServices(MINUTE, T0, service)).metrics.kind();
    }
}
