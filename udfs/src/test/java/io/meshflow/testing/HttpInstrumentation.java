package io.meshflow.testing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What HTTP instrumentation does with the OpenTelemetry SDK, for tests that need real spans: a
 * CLIENT span whose context travels in W3C {@code traceparent} headers, and a SERVER span whose
 * parent is taken from them.
 */
public final class HttpInstrumentation {
    private HttpInstrumentation() {}

    /**
     * A CLIENT span naming its callee by {@code peerAttribute} ({@code peer.service} or {@code
     * server.address}), its context injected into {@code headers}.
     */
    public static Span callOut(
            Tracer tracer,
            Context parent,
            String method,
            String urlTemplate,
            String peerAttribute,
            String peer,
            long startNanos,
            Map<String, String> headers) {
        Span span =
                tracer.spanBuilder(method)
                        .setParent(parent)
                        .setSpanKind(SpanKind.CLIENT)
                        .setAttribute("http.request.method", method)
                        .setAttribute("url.template", urlTemplate)
                        .setAttribute(peerAttribute, peer)
                        .setStartTimestamp(startNanos, TimeUnit.NANOSECONDS)
                        .startSpan();
        W3CTraceContextPropagator.getInstance()
                .inject(
                        parent.with(span),
                        headers,
                        (carrier, key, value) -> carrier.put(key, value));
        return span;
    }

    /** A SERVER span whose parent is in the headers. */
    public static Span serve(
            Tracer tracer, Map<String, String> headers, String method, String route, long start) {
        Context remote =
                W3CTraceContextPropagator.getInstance()
                        .extract(Context.root(), headers, new MapGetter());
        return tracer.spanBuilder(method + " " + route)
                .setParent(remote)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", method)
                .setAttribute("http.route", route)
                .setStartTimestamp(start, TimeUnit.NANOSECONDS)
                .startSpan();
    }

    /** Ends a span with its HTTP status; a 5xx is an error. */
    public static void finish(Span span, int status, long endNanos) {
        span.setAttribute("http.response.status_code", (long) status);
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end(endNanos, TimeUnit.NANOSECONDS);
    }

    private static final class MapGetter implements TextMapGetter<Map<String, String>> {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    }
}
