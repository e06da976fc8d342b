package io.meshflow.job;

import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.SideBatch;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.config.MeshflowOptions.InvalidOptionException;
import io.meshflow.job.testing.Collected;
import io.meshflow.job.testing.Dataflow;
import io.meshflow.job.testing.Flink;
import io.meshflow.proto.DetectPoint;
import io.meshflow.proto.HTTPServiceMeshMetric;
import io.meshflow.proto.HTTPServiceMeshMetrics;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.testing.Sides;
import io.meshflow.time.Granularity;

import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.meshflow.job.testing.HandCheckedScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SPEC 3, Endpoints, through the whole dataflow: ids in paths give one endpoint row per route,
 * rules apply first, and a service's endpoints beyond the cap count under {other}.
 */
class EndpointsITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    @TempDir Path dir;

    @Test
    void pathsWithIdsGiveOneRowPerRoute() throws Exception {
        List<SideBatch> input = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String user = Integer.toString(1000 + i);
            call(input, "u" + i, "users", "GET:/users/" + user, i);
            call(input, "o" + i, "orders", "GET:/orders/9f8e7d6c5b4a3928170" + (i % 10), i);
            call(input, "c" + i, "orders", "POST:/carts/" + user + "/items", i);
        }
        Path rules = dir.resolve("rules.txt");
        Files.writeString(rules, "# carts are one route\n(\\w+):/carts/.* => $1:/carts\n");

        Collected out = Dataflow.run(input, settings("--endpoint.rules", rules.toString()));

        assertThat(endpoints(out, Granularity.MINUTE))
                .containsExactlyInAnyOrder(
                        "users GET:/users/{id} 40",
                        "orders GET:/orders/{id} 40",
                        "orders POST:/carts 40");
        assertThat(endpoints(out, Granularity.DAY))
                .containsExactlyInAnyOrder(
                        "users GET:/users/{id} 40",
                        "orders GET:/orders/{id} 40",
                        "orders POST:/carts 40");
        assertThat(overflowCalls(out)).isZero();
    }

    @Test
    void normalizeFalseKeepsEveryPath() throws Exception {
        List<SideBatch> input = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            call(input, "u" + i, "users", "GET:/users/" + i, i);
        }

        Collected out = Dataflow.run(input, settings("--endpoint.normalize", "false"));

        assertThat(endpoints(out, Granularity.MINUTE)).hasSize(5);
    }

    @Test
    void endpointsBeyondTheCapCountUnderOther() throws Exception {
        List<SideBatch> input = new ArrayList<>();
        // 2 calls on each of 5 words (no ids): the first 3 names of the day keep theirs
        for (int i = 0; i < 10; i++) {
            call(input, "r" + i, "users", "GET:/" + (char) ('a' + i % 5), i);
        }

        Collected out = Dataflow.run(input, settings("--endpoint.max-per-service", "3"));

        List<String> minute = endpoints(out, Granularity.MINUTE);
        assertThat(minute).hasSize(4).contains("users {other} 4");
        assertThat(minute.stream().mapToLong(row -> Long.parseLong(row.replaceAll(".* ", ""))))
                .as("every call is counted once")
                .containsOnly(2L, 4L);
        assertThat(overflowCalls(out)).isEqualTo(4);
    }

    @Test
    void aBadRulesFileIsRefusedNamingItsLine() throws Exception {
        Path rules = dir.resolve("bad-rules.txt");
        Files.writeString(rules, "# fine\n/a => /b\n/users/([0-9+ => /users/{id}\n");

        assertThatThrownBy(() -> settings("--endpoint.rules", rules.toString()))
                .isInstanceOf(InvalidOptionException.class)
                .hasMessageStartingWith(
                        "--endpoint.rules " + rules + " line 3: bad regular expression")
                .hasMessageNotContaining("\n");
    }

    private static JobSettings settings(String... args) {
        return JobSettings.from(args, Map.of());
    }

    /** Both sides of one call from productpage to {@code dest}, {@code second}s after T0. */
    private static void call(
            List<SideBatch> input, String id, String dest, String endpoint, int second) {
        long start = T0 + second * 1000L;
        input.add(side(id, true, dest, endpoint, start));
        input.add(side(id, false, dest, endpoint, start + 2));
    }

    private static SideBatch side(
            String id, boolean client, String dest, String endpoint, long start) {
        HTTPServiceMeshMetric metric =
                HTTPServiceMeshMetric.newBuilder()
                        .setRequestId(id)
                        .setDetectPoint(client ? DetectPoint.client : DetectPoint.server)
                        .setSourceServiceName("productpage")
                        .setDestServiceName(dest)
                        .setStartTime(start)
                        .setEndTime(start + 10)
                        .setLatency(10)
                        .setResponseCode(200)
                        .setStatus(true)
                        .setEndpoint(endpoint)
                        .build();
        byte[] record =
                ServiceMeshMetrics.newBuilder()
                        .setHttpMetrics(HTTPServiceMeshMetrics.newBuilder().addMetrics(metric))
                        .build()
                        .toByteArray();
        return Sides.DECODER.decode(record, "endpoints/" + id + (client ? "/c" : "/s"), start);
    }

    /** "service endpoint calls" of each endpoint_metrics row of one granularity. */
    private static List<String> endpoints(Collected out, Granularity granularity) {
        return out.table(Table.ENDPOINT_METRICS).values().stream()
                .filter(row -> row.key.granularity == granularity)
                .map(row -> row.key.service() + " " + row.key.endpoint() + " " + row.metrics.calls)
                .collect(Collectors.toList());
    }

    private static long overflowCalls(Collected out) {
        return out.table(Table.PIPELINE_STATS).entrySet().stream()
                .filter(e -> e.getKey().granularity == Granularity.DAY)
                .map(Map.Entry::getValue)
                .mapToLong((MetricRecord row) -> row.metrics.endpointOverflowCalls)
                .sum();
    }
}
