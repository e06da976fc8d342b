package io.meshflow.job.sinks;

import io.meshflow.aggregate.MetricKey;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.MetricsAccumulator;
import io.meshflow.aggregate.ServiceKind;
import io.meshflow.sim.MeshSimulator;
import io.meshflow.time.Granularity;

import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The minute rows of {@link WideMesh}'s topology, made directly rather than by the job, to measure
 * the database sink alone: each minute every row of every table once (24 services, 48 instances, 96
 * endpoints, 552 service edges, 2,208 instance edges, 24 services rows, the pipeline_stats row),
 * each holding a few calls with a latency histogram, as the job writes them. Row {@code i} is a
 * pure function of {@code i}.
 */
final class WideMeshRows implements GeneratorFunction<Long, MetricRecord> {
    private static final long serialVersionUID = 1L;

    private static final int S = WideMesh.SERVICES;
    private static final int I = WideMesh.INSTANCES;
    private static final int E = WideMesh.ENDPOINTS;
    private static final int EDGES = S * (S - 1);

    /** Rows of one minute, table after table in the order below. */
    static final int PER_MINUTE = S + S * I + S * E + EDGES + EDGES * I * I + S + 1;

    @Override
    public MetricRecord map(Long index) {
        long minute = MeshSimulator.DEFAULT_START + (index / PER_MINUTE) * 60_000L;
        int j = (int) (index % PER_MINUTE);
        Granularity g = Granularity.MINUTE;
        MetricsAccumulator m = new MetricsAccumulator();
        for (int c = 0; c < 3; c++) {
            m.addCall(5 + (int) ((index * 31 + c * 97) % 300), c != 2, c == 2 ? 503 : 200, 500);
        }
        if (j < S) {
            return new MetricRecord(MetricKey.ofServiceMetrics(g, minute, service(j)), m);
        }
        j -= S;
        if (j < S * I) {
            return new MetricRecord(
                    MetricKey.ofInstanceMetrics(g, minute, service(j / I), instance(j / I, j % I)),
                    m);
        }
        j -= S * I;
        if (j < S * E) {
            return new MetricRecord(
                    MetricKey.ofEndpointMetrics(
                            g, minute, service(j / E), "GET:/api/v1/op" + (j % E)),
                    m);
        }
        j -= S * E;
        if (j < EDGES) {
            m.pairedCalls = m.calls;
            m.clientLatencySumMs = m.latencySumMs + 6;
            m.serverLatencySumMs = m.latencySumMs;
            return new MetricRecord(
                    MetricKey.ofServiceEdges(g, minute, service(j / (S - 1)), dest(j)), m);
        }
        j -= EDGES;
        if (j < EDGES * I * I) {
            int edge = j / (I * I);
            int source = edge / (S - 1);
            m.pairedCalls = m.calls;
            return new MetricRecord(
                    MetricKey.ofInstanceEdges(
                            g,
                            minute,
                            service(source),
                            instance(source, (j / I) % I),
                            dest(edge),
                            dest(edge) + "-" + (j % I)),
                    m);
        }
        j -= EDGES * I * I;
        if (j < S) {
            MetricsAccumulator seen = new MetricsAccumulator();
            seen.seen(minute, ServiceKind.MESH);
            return new MetricRecord(MetricKey.ofServices(g, minute, service(j)), seen);
        }
        MetricsAccumulator stats = new MetricsAccumulator();
        stats.sides = 2 * PER_MINUTE;
        stats.pairedCalls = PER_MINUTE;
        return new MetricRecord(MetricKey.ofPipelineStats(g, minute), stats);
    }

    private static String service(int s) {
        return "svc-" + s;
    }

    private static String instance(int s, int i) {
        return "svc-" + s + "-" + i;
    }

    /** The called service of edge {@code edge}: every service but the caller. */
    private static String dest(int edge) {
        int source = edge / (S - 1);
        int other = edge % (S - 1);
        return service(other >= source ? other + 1 : other);
    }
}
