package io.meshflow.job;

import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.Kafka;
import io.meshflow.job.testing.Postgres;
import io.meshflow.job.testing.Rows;
import io.meshflow.job.testing.ScenarioFile;
import io.meshflow.job.testing.Tables;

import org.apache.flink.test.junit5.MiniClusterExtension;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.meshflow.testing.HttpInstrumentation.callOut;
import static io.meshflow.testing.HttpInstrumentation.finish;
import static io.meshflow.testing.HttpInstrumentation.serve;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real client: spans made by the OpenTelemetry Java SDK for a small service graph (an ingress
 * request to frontend, which calls checkout, which does work of its own and calls payments every
 * other time), context carried the SDK's way (W3C traceparent in a header map), serialized by the
 * SDK's own OTLP marshaller. The records go to a file and to a topic of the real KRaft broker; the
 * job (MiniCluster, p=2) reads the file into SQLite and the topic into PostgreSQL, and the tables
 * hold, row by row, what the test's calls were.
 */
class OtlpSdkITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    /** 2026-01-01T10:00:00Z in ns. */
    private static final long T0 = 1_767_261_600_000_000_000L;

    private static final long MS = 1_000_000L;
    private static final int REQUESTS = 12;

    @TempDir static Path dir;

    private static final InMemorySpanExporter EXPORTER = InMemorySpanExporter.create();

    /** What the test's calls were, per edge "source -> dest": calls, errors, latency sums. */
    private static final Map<String, long[]> EDGES = new TreeMap<>();

    /** Per called service: calls, errors, server latency sum. */
    private static final Map<String, long[]> NODES = new TreeMap<>();

    private static int sides;
    private static int ignored;
    private static List<byte[]> records;

    @BeforeAll
    static void makeSpans() throws IOException {
        Tracer frontend = service("frontend", "fe-1");
        Tracer checkout = service("checkout", "co-1");
        Tracer payments = service("payments", "pay-1");
        for (int i = 0; i < REQUESTS; i++) {
            long start = T0 + i * 3_000 * MS;
            Span ingress = serve(frontend, new HashMap<>(), "GET", "/checkout", start);
            Context inFrontend = Context.root().with(ingress);

            Map<String, String> headers = new HashMap<>();
            Span toCheckout =
                    callOut(
                            frontend,
                            inFrontend,
                            "POST",
                            "/cart",
                            "peer.service",
                            "checkout",
                            start + MS,
                            headers);
            Span cart = serve(checkout, headers, "POST", "/cart", start + 2 * MS);
            Span work =
                    checkout.spanBuilder("price the cart")
                            .setParent(Context.root().with(cart))
                            .setStartTimestamp(start + 3 * MS, TimeUnit.NANOSECONDS)
                            .startSpan();
            work.end(start + 8 * MS, TimeUnit.NANOSECONDS);
            ignored++;
            if (i % 2 == 0) {
                boolean fails = i % 4 == 0;
                Map<String, String> toPay = new HashMap<>();
                Span charge =
                        callOut(
                                checkout,
                                Context.root().with(cart),
                                "POST",
                                "/charge",
                                "peer.service",
                                "payments",
                                start + 10 * MS,
                                toPay);
                Span paid = serve(payments, toPay, "POST", "/charge", start + 11 * MS);
                finish(paid, fails ? 500 : 200, start + 26 * MS);
                finish(charge, fails ? 500 : 200, start + 30 * MS);
                paired("checkout", "payments", 20, 15, fails);
            }
            finish(cart, 200, start + 37 * MS);
            finish(toCheckout, 200, start + 41 * MS);
            paired("frontend", "checkout", 40, 35, false);
            finish(ingress, 200, start + (50 + i) * MS);
            serverOnly("frontend", 50 + i);
        }

        // one record per few spans, in the order they ended, as a batching exporter sends them
        List<SpanData> spans = EXPORTER.getFinishedSpanItems();
        records = new ArrayList<>();
        for (int from = 0; from < spans.size(); from += 5) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TraceRequestMarshaler.create(spans.subList(from, Math.min(spans.size(), from + 5)))
                    .writeBinaryTo(out);
            records.add(out.toByteArray());
        }
        assertThat(spans).hasSize(sides + ignored);
    }

    @Test
    void aFileIntoSqliteAndATopicIntoPostgresHoldWhatTheCallsWere() throws Exception {
        Path file = ScenarioFile.write(dir.resolve("sdk.otlp"), records);
        String sqlite = "jdbc:sqlite:" + dir.resolve("sdk.db");
        run("--input", file.toString(), "--jdbc.url", sqlite);
        assertTablesHoldTheCalls(sqlite);

        String topic = Kafka.newTopic(2);
        Kafka.produce(topic, 2, records);
        String postgres = Postgres.newDatabase();
        run(
                "--kafka.bootstrap-servers",
                Kafka.bootstrapServers(),
                "--kafka.topic",
                topic,
                "--kafka.bounded",
                "true",
                "--jdbc.url",
                postgres);
        assertTablesHoldTheCalls(postgres);

        Map<String, List<String>> fromFile = Tables.snapshot(sqlite, "9999", List.of());
        Map<String, List<String>> fromKafka = Tables.snapshot(postgres, "9999", List.of());
        assertThat(fromKafka).as(Tables.difference(fromFile, fromKafka)).isEqualTo(fromFile);
    }

    private static void assertTablesHoldTheCalls(String url) throws Exception {
        Map<String, long[]> edges = new TreeMap<>();
        for (Map<String, Object> row :
                Rows.query(
                        url,
                        "SELECT * FROM service_edges WHERE granularity = 'minute'"
                                + " AND bucket_start = '2026-01-01 10:00:00'")) {
            edges.put(
                    row.get("source_service") + " -> " + row.get("dest_service"),
                    new long[] {
                        (long) row.get("calls"),
                        (long) row.get("errors"),
                        (long) row.get("latency_sum_ms"),
                        (long) row.get("paired_calls"),
                        (long) row.get("server_only_calls")
                    });
            assertThat(row.get("mtls_calls")).as("spans do not say").isEqualTo(0L);
        }
        assertThat(edges).containsOnlyKeys(EDGES.keySet());
        EDGES.forEach(
                (edge, expected) ->
                        assertThat(edges.get(edge))
                                .as(edge + ": calls, errors, latency sum, paired, server-only")
                                .containsExactly(expected));

        Map<String, long[]> nodes = new TreeMap<>();
        for (Map<String, Object> row :
                Rows.query(
                        url,
                        "SELECT * FROM service_metrics WHERE granularity = 'minute'"
                                + " AND bucket_start = '2026-01-01 10:00:00'")) {
            nodes.put(
                    (String) row.get("service"),
                    new long[] {
                        (long) row.get("calls"),
                        (long) row.get("errors"),
                        (long) row.get("latency_sum_ms")
                    });
        }
        assertThat(nodes).containsOnlyKeys(NODES.keySet());
        NODES.forEach(
                (service, expected) ->
                        assertThat(nodes.get(service))
                                .as(service + ": calls, errors, latency sum")
                                .containsExactly(Arrays.copyOf(expected, 3)));

        List<Map<String, Object>> stats =
                Rows.query(url, "SELECT * FROM pipeline_stats WHERE granularity = 'day'");
        assertThat(stats).hasSize(1);
        assertThat(stats.get(0).get("sides")).isEqualTo((long) sides);
        assertThat(stats.get(0).get("ignored_spans")).isEqualTo((long) ignored);
        assertThat(stats.get(0).get("duplicate_sides")).isEqualTo(0L);
        assertThat(stats.get(0).get("client_only_calls")).isEqualTo(0L);
        assertThat(Rows.count(url, "SELECT COUNT(*) FROM dead_letters")).isZero();
    }

    private static void run(String... options) {
        List<String> args = new ArrayList<>(List.of("--format", "otlp", "--parallelism", "2"));
        args.addAll(List.of(options));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                MeshflowJob.execute(
                        args.toArray(String[]::new),
                        Map.of(),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }

    private static void paired(
            String source, String dest, int clientMs, int serverMs, boolean error) {
        sides += 2;
        count(EDGES, source + " -> " + dest, clientMs, error, true);
        count(NODES, dest, serverMs, error, true);
    }

    private static void serverOnly(String dest, int serverMs) {
        sides++;
        count(EDGES, "unknown -> " + dest, serverMs, false, false);
        count(NODES, dest, serverMs, false, false);
    }

    /** calls, errors, latency sum, paired, server-only. */
    private static void count(
            Map<String, long[]> rows, String key, int ms, boolean error, boolean paired) {
        long[] row = rows.computeIfAbsent(key, k -> new long[5]);
        row[0]++;
        row[1] += error ? 1 : 0;
        row[2] += ms;
        row[3] += paired ? 1 : 0;
        row[4] += paired ? 0 : 1;
    }

    /** One service of the graph: its own resource, spans exported into the test's exporter. */
    private static Tracer service(String name, String instance) {
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
                                                                AttributeKey.stringKey(
                                                                        "service.instance.id"),
                                                                instance))))
                        .addSpanProcessor(SimpleSpanProcessor.create(EXPORTER))
                        .build();
        return provider.get("meshflow-test");
    }
}
