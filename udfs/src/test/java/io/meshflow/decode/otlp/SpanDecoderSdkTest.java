package io.meshflow.decode.otlp;

import io.meshflow.decode.Side;
import io.meshflow.decode.SideBatch;
import io.meshflow.decode.SideChecks;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.meshflow.testing.HttpInstrumentation.callOut;
import static io.meshflow.testing.HttpInstrumentation.serve;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spans made by the real OpenTelemetry SDK in a small service graph (frontend calls checkout,
 * checkout calls payments and does some work of its own), whose calls carry their context the SDK's
 * way (W3C traceparent through a header map), exported with the SDK's own OTLP marshaller and
 * decoded.
 */
class SpanDecoderSdkTest {
    /**
     * Records read "at" fixed or zero times: a century of max-ahead keeps every test side valid.
     */
    private static final SpanDecoder SPANS =
            new SpanDecoder(new SideChecks(Duration.ofDays(36_500)));

    /** 2026-01-01T10:00:00Z in ns. */
    private static final long T0 = 1_767_261_600_000_000_000L;

    private static final long MS = 1_000_000L;

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final List<SdkTracerProvider> providers = new ArrayList<>();

    @AfterEach
    void shutDown() {
        providers.forEach(SdkTracerProvider::shutdown);
    }

    /** One service of the graph: its own resource, spans exported into the one test exporter. */
    private Tracer service(String name, String instanceKey, String instance) {
        SdkTracerProvider provider =
                SdkTracerProvider.builder()
                        .setResource(
                                Resource.getDefault()
                                        .merge(
                                                Resource.create(
                                                        Attributes.of(
                                                                AttributeKey.stringKey(
                                                                        "service.name"),
                                                                name,
                                                                AttributeKey.stringKey(instanceKey),
                                                                instance))))
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build();
        providers.add(provider);
        return provider.get("meshflow-test");
    }

    private static byte[] marshal(List<SpanData> spans) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(spans).writeBinaryTo(out);
        return out.toByteArray();
    }

    @Test
    void aServiceGraphsSpansBecomeSidesThatShareTheirPairingKeys() throws IOException {
        Tracer frontend = service("frontend", "service.instance.id", "frontend-7f9c");
        Tracer checkout = service("checkout", "k8s.pod.name", "checkout-5d8b-x2");
        Tracer payments = service("payments", "host.name", "payments-host-1");

        // frontend's own work: a trace root of kind INTERNAL, only counted
        Span page =
                frontend.spanBuilder("render checkout page")
                        .setStartTimestamp(T0, TimeUnit.NANOSECONDS)
                        .startSpan();
        Context pageContext = Context.root().with(page);

        Map<String, String> toCheckout = new HashMap<>();
        Span placeOrder =
                callOut(
                        frontend,
                        pageContext,
                        "POST",
                        "/orders/{id}",
                        "server.address",
                        "checkout",
                        T0 + 1 * MS + 400_000,
                        toCheckout);
        assertThat(toCheckout).containsKey("traceparent");

        Span order = serve(checkout, toCheckout, "POST", "/orders/:id", T0 + 2 * MS);
        Map<String, String> toPayments = new HashMap<>();
        Span charge =
                callOut(
                        checkout,
                        Context.root().with(order),
                        "PUT",
                        "/charges",
                        "server.address",
                        "payments.svc",
                        T0 + 3 * MS,
                        toPayments);
        Span pay = serve(payments, toPayments, "PUT", "/charges", T0 + 4 * MS);
        pay.setAttribute("http.response.status_code", 402L);
        pay.setStatus(StatusCode.ERROR);
        pay.end(T0 + 20 * MS + 999_999, TimeUnit.NANOSECONDS);
        charge.setAttribute("http.response.status_code", 402L);
        charge.setStatus(StatusCode.ERROR);
        charge.end(T0 + 22 * MS, TimeUnit.NANOSECONDS);
        order.setAttribute("http.response.status_code", 200L);
        order.end(T0 + 30 * MS, TimeUnit.NANOSECONDS);
        placeOrder.setAttribute("http.response.status_code", 200L);
        placeOrder.end(T0 + 33 * MS + 100_000, TimeUnit.NANOSECONDS);
        page.end(T0 + 40 * MS, TimeUnit.NANOSECONDS);

        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans).hasSize(5);
        String trace = page.getSpanContext().getTraceId();
        String placeOrderId = placeOrder.getSpanContext().getSpanId();
        String chargeId = charge.getSpanContext().getSpanId();

        SideBatch batch = SPANS.decode(marshal(spans), "traces/0/42", 7L);

        assertThat(batch.deadLetters).isEmpty();
        assertThat(batch.ignoredSpanStarts).containsExactly(T0 / MS);
        assertThat(batch.origin).isEqualTo("traces/0/42");
        assertThat(batch.eventTime).isEqualTo(T0 / MS + 1);
        assertThat(batch.sides).hasSize(4);

        Side frontendClient = only(batch, true, "frontend");
        assertThat(frontendClient.requestId).isEqualTo(trace + "-" + placeOrderId);
        assertThat(frontendClient.keyedByRequestId).isTrue();
        assertThat(frontendClient.spanId).isEqualTo(Long.parseUnsignedLong(placeOrderId, 16));
        assertThat(frontendClient.sourceService).isEqualTo("frontend");
        assertThat(frontendClient.sourceInstance).isEqualTo("frontend-7f9c");
        assertThat(frontendClient.destService).isEqualTo("checkout");
        assertThat(frontendClient.destInstance).isEmpty();
        assertThat(frontendClient.endpoint).isEqualTo("POST:/orders/{id}");
        assertThat(frontendClient.tlsMode).isEmpty();
        assertThat(frontendClient.startTime).isEqualTo(T0 / MS + 1);
        assertThat(frontendClient.latency).as("31.7 ms rounded down").isEqualTo(31);
        assertThat(frontendClient.responseCode).isEqualTo(200);
        assertThat(frontendClient.success).isTrue();

        Side checkoutServer = only(batch, false, "checkout");
        assertThat(checkoutServer.requestId)
                .as("the server's parent is the client span")
                .isEqualTo(frontendClient.requestId);
        assertThat(checkoutServer.keyedByRequestId).isTrue();
        assertThat(checkoutServer.spanId)
                .isEqualTo(Long.parseUnsignedLong(order.getSpanContext().getSpanId(), 16));
        assertThat(checkoutServer.sourceService).isEmpty();
        assertThat(checkoutServer.sourceInstance).isEmpty();
        assertThat(checkoutServer.destService).isEqualTo("checkout");
        assertThat(checkoutServer.destInstance).isEqualTo("checkout-5d8b-x2");
        assertThat(checkoutServer.endpoint).isEqualTo("POST:/orders/:id");
        assertThat(checkoutServer.startTime).isEqualTo(T0 / MS + 2);
        assertThat(checkoutServer.latency).isEqualTo(28);
        assertThat(checkoutServer.responseCode).isEqualTo(200);
        assertThat(checkoutServer.success).isTrue();

        Side checkoutClient = only(batch, true, "checkout");
        assertThat(checkoutClient.requestId).isEqualTo(trace + "-" + chargeId);
        assertThat(checkoutClient.sourceInstance).isEqualTo("checkout-5d8b-x2");
        assertThat(checkoutClient.destService).isEqualTo("payments.svc");
        assertThat(checkoutClient.endpoint).isEqualTo("PUT:/charges");
        assertThat(checkoutClient.startTime).isEqualTo(T0 / MS + 3);
        assertThat(checkoutClient.latency).isEqualTo(19);
        assertThat(checkoutClient.responseCode).isEqualTo(402);
        assertThat(checkoutClient.success).isFalse();

        Side paymentsServer = only(batch, false, "payments");
        assertThat(paymentsServer.requestId).isEqualTo(checkoutClient.requestId);
        assertThat(paymentsServer.destInstance).isEqualTo("payments-host-1");
        assertThat(paymentsServer.endpoint).isEqualTo("PUT:/charges");
        assertThat(paymentsServer.startTime).isEqualTo(T0 / MS + 4);
        assertThat(paymentsServer.latency).as("16.999999 ms rounded down").isEqualTo(16);
        assertThat(paymentsServer.responseCode).isEqualTo(402);
        assertThat(paymentsServer.success).isFalse();

        // each side's index finds its own span again, as the late dead letter needs
        for (Side side : batch.sides) {
            assertThat(SPANS.decode(SPANS.lateDeadLetter(batch, side).payload, "again", 0L).sides)
                    .singleElement()
                    .usingRecursiveComparison()
                    .ignoringFields("index")
                    .isEqualTo(side);
        }
    }

    @Test
    void theSdksRetriesOfOneCallAreSpansOfTheirOwn() throws IOException {
        Tracer client = service("cart", "service.instance.id", "cart-1");
        Tracer server = service("stock", "service.instance.id", "stock-1");

        // OpenTelemetry HTTP conventions: every resend is its own CLIENT span, so its own request
        for (int attempt = 0; attempt < 2; attempt++) {
            Map<String, String> headers = new HashMap<>();
            Span call =
                    callOut(
                            client,
                            Context.root(),
                            "GET",
                            "/stock/{sku}",
                            "server.address",
                            "stock",
                            T0 + attempt * 10 * MS,
                            headers);
            Span serve = serve(server, headers, "GET", "/stock/{sku}", T0 + attempt * 10 * MS);
            serve.end(T0 + attempt * 10 * MS + 2 * MS, TimeUnit.NANOSECONDS);
            call.end(T0 + attempt * 10 * MS + 3 * MS, TimeUnit.NANOSECONDS);
        }

        SideBatch batch = SPANS.decode(marshal(exporter.getFinishedSpanItems()), "o", 0L);

        assertThat(batch.sides).hasSize(4);
        assertThat(
                        java.util.Arrays.stream(batch.sides)
                                .map(side -> side.requestId)
                                .distinct()
                                .count())
                .as("two requests, each with a client and a server side")
                .isEqualTo(2);
    }

    private static Side only(SideBatch batch, boolean client, String reporter) {
        List<Side> found = new ArrayList<>();
        for (Side side : batch.sides) {
            String service = client ? side.sourceService : side.destService;
            if (side.client == client && service.equals(reporter)) {
                found.add(side);
            }
        }
        assertThat(found).as((client ? "client" : "server") + " side of " + reporter).hasSize(1);
        return found.get(0);
    }
}
