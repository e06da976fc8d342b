package io.meshflow.sim;

import io.meshflow.decode.Side;
import io.meshflow.decode.SideBatch;
import io.meshflow.decode.SideChecks;
import io.meshflow.decode.otlp.SpanDecoder;
import io.meshflow.proto.ServiceMeshMetrics;
import io.meshflow.testing.Sides;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's requests rendered as OTLP spans (read back with the generated classes and with
 * the job's own decoder) describe the same sides as its SkyWalking records, as far as spans carry
 * the same facts.
 */
class SpanRenderingTest {
    private static final int REQUESTS = 5_000;
    private static final SpanDecoder SPANS =
            new SpanDecoder(new SideChecks(Duration.ofDays(36_500)));

    @Test
    void everySideBecomesASpanWithTheSameFacts() throws Exception {
        MeshSimulator simulator = new MeshSimulator(42);
        int ignored = 0;
        int roots = 0;
        int paired = 0;
        for (int n = 0; n < REQUESTS; n++) {
            ServiceMeshMetrics request = simulator.request(n);
            byte[] otlp = SpanRendering.request(request).toByteArray();
            SideBatch sky = Sides.DECODER.decode(request.toByteArray(), "s", 0);
            SideBatch spans = SPANS.decode(otlp, "o", 0);

            assertThat(spans.deadLetters).isEmpty();
            assertThat(describe(spans.sides)).isEqualTo(describe(sky.sides));
            ignored += spans.ignoredSpanStarts.length;

            Side client = null;
            List<Side> servers = new ArrayList<>();
            for (Side side : spans.sides) {
                assertThat(side.keyedByRequestId).isTrue();
                if (side.client) {
                    client = side;
                } else {
                    servers.add(side);
                }
            }
            for (Side server : servers) {
                if (server.requestId.isEmpty()) {
                    roots++;
                } else if (client != null) {
                    assertThat(server.requestId)
                            .as("pairs with its client")
                            .isEqualTo(client.requestId);
                    paired++;
                }
            }
            for (ResourceSpans resource :
                    ExportTraceServiceRequest.parseFrom(otlp).getResourceSpansList()) {
                Span span = resource.getScopeSpans(0).getSpans(0);
                assertThat(span.getTraceId().size()).isEqualTo(16);
                assertThat(span.getSpanId().size()).isEqualTo(8);
                if (span.getKind() == SpanKind.SPAN_KIND_CLIENT) {
                    assertThat(span.getAttributesList())
                            .anySatisfy(
                                    a ->
                                            assertThat(a.getKey())
                                                    .isIn("peer.service", "server.address"));
                }
            }
        }
        assertThat(ignored).as("about a quarter of the requests").isBetween(1_000, 1_500);
        assertThat(roots).as("requests from outside the mesh are trace roots").isPositive();
        assertThat(paired).isGreaterThan(REQUESTS * 8 / 10);
    }

    /**
     * The facts both formats carry, side by side: detect point, time, latency, status, the
     * reporter's own names and endpoint (gRPC's without its leading slash). A CLIENT span names its
     * callee; a SERVER span does not name its caller, and spans carry no TLS mode.
     */
    private static List<String> describe(Side[] sides) {
        List<String> out = new ArrayList<>();
        for (Side s : sides) {
            out.add(
                    (s.client ? "client " : "server ")
                            + s.startTime
                            + " "
                            + s.latency
                            + "ms "
                            + s.responseCode
                            + " "
                            + s.success
                            + " "
                            + (s.client ? s.sourceService + "/" + s.sourceInstance + " -> " : "")
                            + s.destService
                            + (s.client ? "" : "/" + s.destInstance)
                            + " "
                            + (s.endpoint.startsWith("/") ? s.endpoint.substring(1) : s.endpoint));
        }
        return out;
    }
}
