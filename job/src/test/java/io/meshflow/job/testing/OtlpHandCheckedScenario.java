package io.meshflow.job.testing;

import io.meshflow.decode.SideBatch;
import io.meshflow.job.config.JobSettings;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CONSUMER;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_INTERNAL;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_PRODUCER;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_UNSPECIFIED;

/**
 * A small mesh as OpenTelemetry spans, every case of SPEC 1.3 once, all in minute 10:00 of
 * 2026-01-01 (T0), checked by hand (apdex T 500 ms):
 *
 * <pre>
 * record  reporter          spans
 *  0  t1  frontend fe-1     CLIENT c1 -> peer.service cart, GET /cart/{id}, 30 ms, 200
 *  1  t1  cart cart-1       SERVER s1 under c1, GET /cart/{id}, 20 ms, 200           paired
 *  2  t2  frontend fe-1     CLIENT -> peer.service payments, "charge", 40 ms, 200    client-only
 *  3  t3  frontend fe-1     CLIENT -> server.address api.example.com, 50 ms, 503, ERROR  client-only
 *  4  t4  frontend fe-1     CLIENT "lookup" naming no callee, 60 ms                  client-only, unknown
 *  5  t5  frontend fe-1     SERVER, trace root, GET /, 100 ms, 200                   server-only
 *  6  t6  cart cart-1       SERVER under a client never reported, GET /health, 10 ms server-only
 *  7  t7  frontend fe-1     CLIENT c7 -> cart, GET /cart/{id}, 300 ms, 200
 *  8  t7  cart cart-1       SERVER s7a under c7, 100 ms, 503 ERROR; SERVER s7b under c7 (a retry),
 *                           120 ms, 200; INTERNAL, PRODUCER, CONSUMER and unspecified spans
 *  9  t10 frontend fe-1     CLIENT c10 -> cart, old names: http.status_code 201, 80 ms
 * 10  t10 cart cart-1       SERVER under c10, old names: http.method POST, http.status_code 201,
 *                           route /orders, 70 ms                                     paired
 * 11  t1  cart cart-1       record 1 again (a redelivery)                            duplicate
 * 12  t11 frontend fe-1     CLIENT ending before it starts                            dead letter
 * 13  t12 cart cart-1       SERVER without start time                                 dead letter
 * 14                        bytes that are not OTLP                                   dead letter
 * </pre>
 *
 * 13 valid CLIENT and SERVER spans (1 of them a redelivery), 4 ignored spans, 2 spans and 1 record
 * in dead_letters.
 */
public final class OtlpHandCheckedScenario {
    public static final long T0 = HandCheckedScenario.T0;
    public static final int VALID_SIDES = 13;
    public static final int IGNORED_SPANS = 4;

    private OtlpHandCheckedScenario() {}

    public static List<byte[]> records() {
        List<byte[]> records = new ArrayList<>();
        records.add(
                fe().span(
                                SPAN_KIND_CLIENT,
                                "a1",
                                "c1",
                                null,
                                T0 + 1000,
                                30,
                                false,
                                "GET",
                                "peer.service",
                                "cart",
                                "http.request.method",
                                "GET",
                                "url.template",
                                "/cart/{id}",
                                "http.response.status_code",
                                200)
                        .toByteArray());
        byte[] t1Server =
                cart().span(
                                SPAN_KIND_SERVER,
                                "a1",
                                "51",
                                "c1",
                                T0 + 1005,
                                20,
                                false,
                                "GET /cart/{id}",
                                "http.request.method",
                                "GET",
                                "http.route",
                                "/cart/{id}",
                                "http.response.status_code",
                                200)
                        .toByteArray();
        records.add(t1Server);
        records.add(
                fe().span(
                                SPAN_KIND_CLIENT,
                                "a2",
                                "c2",
                                null,
                                T0 + 2000,
                                40,
                                false,
                                "charge",
                                "peer.service",
                                "payments",
                                "http.response.status_code",
                                200)
                        .toByteArray());
        records.add(
                fe().span(
                                SPAN_KIND_CLIENT,
                                "a3",
                                "c3",
                                null,
                                T0 + 3000,
                                50,
                                true,
                                "quote",
                                "server.address",
                                "api.example.com",
                                "http.response.status_code",
                                503)
                        .toByteArray());
        records.add(
                fe().span(SPAN_KIND_CLIENT, "a4", "c4", null, T0 + 4000, 60, false, "lookup")
                        .toByteArray());
        records.add(
                fe().span(
                                SPAN_KIND_SERVER,
                                "a5",
                                "55",
                                null,
                                T0 + 5000,
                                100,
                                false,
                                "GET /",
                                "http.request.method",
                                "GET",
                                "http.route",
                                "/",
                                "http.response.status_code",
                                200)
                        .toByteArray());
        records.add(
                cart().span(
                                SPAN_KIND_SERVER,
                                "a6",
                                "56",
                                "c6",
                                T0 + 6000,
                                10,
                                false,
                                "GET /health",
                                "http.request.method",
                                "GET",
                                "http.route",
                                "/health",
                                "http.response.status_code",
                                200)
                        .toByteArray());
        records.add(
                fe().span(
                                SPAN_KIND_CLIENT,
                                "a7",
                                "c7",
                                null,
                                T0 + 7000,
                                300,
                                false,
                                "GET",
                                "peer.service",
                                "cart",
                                "http.response.status_code",
                                200)
                        .toByteArray());
        records.add(
                cart().span(
                                SPAN_KIND_SERVER,
                                "a7",
                                "57a",
                                "c7",
                                T0 + 7001,
                                100,
                                true,
                                "GET /cart/{id}",
                                "http.request.method",
                                "GET",
                                "http.route",
                                "/cart/{id}",
                                "http.response.status_code",
                                503)
                        .span(
                                SPAN_KIND_SERVER,
                                "a7",
                                "57b",
                                "c7",
                                T0 + 7150,
                                120,
                                false,
                                "GET /cart/{id}",
                                "http.request.method",
                                "GET",
                                "http.route",
                                "/cart/{id}",
                                "http.response.status_code",
                                200)
                        .span(SPAN_KIND_INTERNAL, "a7", "71", "57b", T0 + 7160, 5, false, "db")
                        .span(SPAN_KIND_PRODUCER, "a7", "72", "57b", T0 + 7170, 1, false, "send")
                        .span(SPAN_KIND_CONSUMER, "a7", "73", "72", T0 + 7180, 2, false, "recv")
                        .span(SPAN_KIND_UNSPECIFIED, "a7", "74", "57b", T0 + 7190, 1, false, "x")
                        .toByteArray());
        records.add(
                fe().span(
                                SPAN_KIND_CLIENT,
                                "a10",
                                "c10",
                                null,
                                T0 + 10_000,
                                80,
                                false,
                                "POST",
                                "peer.service",
                                "cart",
                                "http.status_code",
                                201)
                        .toByteArray());
        records.add(
                cart().span(
                                SPAN_KIND_SERVER,
                                "a10",
                                "5a",
                                "c10",
                                T0 + 10_004,
                                70,
                                false,
                                "POST /orders",
                                "http.method",
                                "POST",
                                "http.route",
                                "/orders",
                                "http.status_code",
                                201)
                        .toByteArray());
        records.add(t1Server);
        records.add(
                fe().span(SPAN_KIND_CLIENT, "a11", "cb", null, T0 + 11_000, -5, false, "GET")
                        .toByteArray());
        records.add(
                cart().span(SPAN_KIND_SERVER, "a12", "5c", "cc", 0, T0 + 12_000, false, "GET")
                        .toByteArray());
        records.add(new byte[] {0x0a, 0x7f, 0x01});
        return records;
    }

    /** The records as the job's file source reads them: length-delimited, in order. */
    public static Path writeFile(Path dir) throws IOException {
        Path file = dir.resolve("spans.otlp");
        try (OutputStream out = Files.newOutputStream(file)) {
            for (byte[] record : records()) {
                writeDelimited(record, out);
            }
        }
        return file;
    }

    /** The settings of a run on the file: --format otlp, defaults otherwise. */
    public static JobSettings settings(Path file, String... more) {
        List<String> args =
                new ArrayList<>(List.of("--format", "otlp", "--input", file.toString()));
        args.addAll(List.of(more));
        return JobSettings.from(args.toArray(String[]::new), Map.of());
    }

    /** The records decoded as the file source decodes them, read just after T0's minute. */
    public static List<SideBatch> batches(JobSettings settings) {
        List<SideBatch> batches = new ArrayList<>();
        List<byte[]> records = records();
        for (int i = 0; i < records.size(); i++) {
            batches.add(settings.decoder.decode(records.get(i), "otlp@" + i, T0 + 60_000));
        }
        return batches;
    }

    private static OtlpRecords fe() {
        return OtlpRecords.of("frontend", "fe-1");
    }

    private static OtlpRecords cart() {
        return OtlpRecords.of("cart", "cart-1");
    }

    private static void writeDelimited(byte[] record, OutputStream out) throws IOException {
        int length = record.length;
        while ((length & ~0x7f) != 0) {
            out.write((length & 0x7f) | 0x80);
            length >>>= 7;
        }
        out.write(length);
        out.write(record);
    }
}
