package io.meshflow.job.graph;

import io.meshflow.job.graph.Topology.Edge;
import io.meshflow.job.graph.Topology.Node;

/**
 * The topology as Graphviz DOT, for {@code dot -Tsvg} or any tool that reads it: the same labels as
 * the page, laid out by whoever renders it.
 */
public final class DotFile {
    private DotFile() {}

    public static String render(Topology topology) {
        StringBuilder dot = new StringBuilder();
        dot.append("// meshflow topology, ")
                .append(topology.window().describe())
                .append(
                        "\n// p99 over several buckets is the largest bucket's p99 (an upper bound);"
                                + " counters are summed\n")
                .append("digraph topology {\n")
                .append("  label=")
                .append(quote("meshflow topology, " + topology.window().describe()))
                .append(";\n  labelloc=t;\n  rankdir=LR;\n")
                .append("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\",")
                .append(" fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
        for (Node node : topology.nodes()) {
            String latency = Labels.nodeLatency(node);
            dot.append("  ")
                    .append(quote(node.service()))
                    .append(" [label=")
                    .append(
                            quote(
                                    node.service()
                                            + "\n"
                                            + Labels.nodeCalls(node)
                                            + (latency.isEmpty() ? "" : "\n" + latency)))
                    .append(", kind=")
                    .append(quote(node.kind()))
                    .append(", color=")
                    .append(quote(kindColour(node.kind())))
                    .append(", fillcolor=")
                    .append(quote(node.kind().equals("mesh") ? "#eff6ff" : "#f8fafc"))
                    .append("];\n");
        }
        for (Edge edge : topology.edges()) {
            dot.append("  ")
                    .append(quote(edge.source()))
                    .append(" -> ")
                    .append(quote(edge.dest()))
                    .append(" [label=")
                    .append(quote(Labels.edge(edge)))
                    .append(", tooltip=")
                    .append(quote(Labels.edgeDetail(edge)))
                    .append(edge.errorRate() >= 0.05 ? ", color=\"#dc2626\"" : "")
                    .append("];\n");
        }
        return dot.append("}\n").toString();
    }

    private static String kindColour(String kind) {
        return switch (kind) {
            case "mesh" -> "#2563eb";
            case "external" -> "#9333ea";
            default -> "#94a3b8";
        };
    }

    /** A DOT double-quoted string; newlines become DOT's centred line breaks. */
    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
