package io.meshflow.job.graph;

import io.meshflow.job.graph.Topology.Edge;
import io.meshflow.job.graph.Topology.Node;

import java.util.Locale;

/**
 * The words and numbers the picture shows, one place for the HTML page, the DOT file and the layout
 * (which sizes boxes by them). Widths are estimates for the page's fonts, generous so text never
 * leaves its box.
 */
final class Labels {
    /** Width of a character of a service name (13px bold sans-serif). */
    static final double NAME_CHAR_PX = 8.0;

    /** Width of a character of the metrics lines (11px monospace: 0.6 em, plus slack). */
    static final double METRIC_CHAR_PX = 6.8;

    /** Width of a character of an edge label (10px monospace). */
    static final double EDGE_CHAR_PX = 6.2;

    private Labels() {}

    /** The node's first metrics line: {@code 1.2k calls · 0.6% err}. */
    static String nodeCalls(Node node) {
        return node.calls() == 0
                ? "no calls in"
                : count(node.calls()) + " calls · " + percent(node.errorRate()) + " err";
    }

    /** The node's second metrics line: {@code p99 120 ms}, or empty without calls. */
    static String nodeLatency(Node node) {
        return node.p99MaxMs() == null || node.calls() == 0 ? "" : "p99 " + node.p99MaxMs() + " ms";
    }

    /** The edge's label: {@code 1.2k · 0.6% · p99 80ms · +2.1ms · 3.4MB}. */
    static String edge(Edge edge) {
        StringBuilder s = new StringBuilder();
        if (edge.calls() > 0) {
            s.append(count(edge.calls())).append(" · ").append(percent(edge.errorRate()));
            s.append(" · p99 ").append(edge.p99MaxMs()).append("ms");
            if (edge.overheadAvgMs() != null) {
                s.append(" · +").append(oneDecimal(edge.overheadAvgMs())).append("ms");
            }
        }
        if (edge.tcpBytes() != null) {
            s.append(s.length() == 0 ? "tcp " : " · ").append(bytes(edge.tcpBytes()));
        }
        return s.toString();
    }

    /** The full numbers, for tooltips. */
    static String edgeDetail(Edge edge) {
        StringBuilder s = new StringBuilder(edge.source() + " → " + edge.dest());
        s.append("\ncalls: ").append(edge.calls()).append(", errors: ").append(edge.errors());
        s.append(" (").append(percent(edge.errorRate())).append(')');
        if (edge.calls() > 0) {
            s.append("\np99 (largest bucket p99): ").append(edge.p99MaxMs()).append(" ms");
        }
        s.append("\noverhead (client − server, mean of paired calls): ")
                .append(
                        edge.overheadAvgMs() == null
                                ? "no paired calls"
                                : oneDecimal(edge.overheadAvgMs()) + " ms");
        if (edge.tcpBytes() != null) {
            s.append("\nTCP bytes: ").append(edge.tcpBytes());
        }
        return s.toString();
    }

    static String nodeDetail(Node node) {
        return node.service()
                + " ("
                + node.kind()
                + ")\ncalls in: "
                + node.calls()
                + ", errors: "
                + node.errors()
                + " ("
                + percent(node.errorRate())
                + ")"
                + (node.calls() == 0
                        ? ""
                        : "\np99 (largest bucket p99): " + node.p99MaxMs() + " ms");
    }

    /** 950, 1.2k, 34k, 1.5M. */
    static String count(long n) {
        if (n < 1_000) {
            return Long.toString(n);
        }
        if (n < 1_000_000) {
            return n < 10_000 ? oneDecimal(n / 1e3) + "k" : Math.round(n / 1e3) + "k";
        }
        return oneDecimal(n / 1e6) + "M";
    }

    static String percent(double rate) {
        double p = rate * 100;
        if (p == 0) {
            return "0%";
        }
        return (p < 10 ? oneDecimal(p) : Long.toString(Math.round(p))) + "%";
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + "B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int unit = -1;
        while (v >= 1024 && unit < units.length - 1) {
            v /= 1024;
            unit++;
        }
        return oneDecimal(v) + units[unit];
    }

    private static String oneDecimal(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
