package io.meshflow.job.graph;

import java.util.List;

/**
 * The services and the calls between them in one {@link Window}, merged over its buckets: counters
 * are summed, p99 is the largest of the buckets' p99 (no exact merge exists from stored
 * percentiles; the largest is an upper bound of the window's p99 and exact with one bucket), the
 * overhead is the mean over every paired call of the window.
 */
public record Topology(Window window, List<Node> nodes, List<Edge> edges, boolean hasTcp) {

    /**
     * A service, by kind ({@code mesh}, {@code external}, {@code unknown}), with its metrics as the
     * destination of calls ({@code service_metrics}); zero calls if nothing called it in the
     * window.
     */
    public record Node(String service, String kind, long calls, long errors, Long p99MaxMs) {
        public double errorRate() {
            return calls == 0 ? 0 : (double) errors / calls;
        }
    }

    /**
     * Calls from one service to another ({@code service_edges}), and the TCP bytes between them
     * when {@code tcp_service_edges} has rows for the pair ({@code null} otherwise).
     */
    public record Edge(
            String source,
            String dest,
            long calls,
            long errors,
            Long p99MaxMs,
            Double overheadAvgMs,
            Long tcpBytes) {
        public double errorRate() {
            return calls == 0 ? 0 : (double) errors / calls;
        }

        /** The {@code data-edge} attribute and DOT identity of the edge. */
        public String id() {
            return source + " -> " + dest;
        }
    }
}
