package io.meshflow.job.graph;

import io.meshflow.job.graph.Topology.Edge;
import io.meshflow.job.graph.Topology.Node;

import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.alg.layered.options.NodePlacementStrategy;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeLabelPlacement;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkLabel;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places the services and routes the calls with Eclipse ELK's layered (Sugiyama) algorithm: callers
 * left of callees, few crossings, edge labels placed by the algorithm so nothing overlaps.
 */
public final class TopologyLayout {
    static final double NODE_HEIGHT = 56;
    static final double EDGE_LABEL_HEIGHT = 14;

    /** Up to this many edges the layout places every edge label; above, labels show on hover. */
    static final int PLACED_LABELS_MAX_EDGES = 80;

    private static final double NODE_PADDING = 12;
    private static final double KIND_STRIPE = 6;

    private TopologyLayout() {}

    /** A box in the drawing's coordinates. */
    public record Box(double x, double y, double width, double height) {}

    /** A routed edge: its points from source to target, and where its label goes (or null). */
    public record Route(Edge edge, List<double[]> points, Box label) {}

    /**
     * The laid-out picture: boxes by service, routes in the topology's edge order; {@code
     * labelsPlaced} false when edge labels were left out of the layout (big meshes).
     */
    public record Drawing(
            Topology topology,
            Map<String, Box> nodes,
            List<Route> routes,
            boolean labelsPlaced,
            double width,
            double height) {}

    public static Drawing layOut(Topology topology) {
        ElkNode root = ElkGraphUtil.createGraph();
        root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
        root.setProperty(CoreOptions.DIRECTION, Direction.RIGHT);
        root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.SPLINES);
        root.setProperty(CoreOptions.SPACING_NODE_NODE, 18.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 28.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 12.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_EDGE, 6.0);
        root.setProperty(CoreOptions.SPACING_EDGE_LABEL, 2.0);
        root.setProperty(CoreOptions.EDGE_LABELS_INLINE, true);
        root.setProperty(
                LayeredOptions.NODE_PLACEMENT_STRATEGY, NodePlacementStrategy.NETWORK_SIMPLEX);
        root.setProperty(CoreOptions.PADDING, new ElkPadding(20));

        Map<String, ElkNode> elkNodes = new LinkedHashMap<>();
        for (Node node : topology.nodes()) {
            ElkNode n = ElkGraphUtil.createNode(root);
            n.setIdentifier(node.service());
            n.setDimensions(nodeWidth(node), NODE_HEIGHT);
            elkNodes.put(node.service(), n);
        }
        // every placed label is a node of its own in the layered layout: on a big mesh they would
        // double its width and height, so there the page shows them on hover, at the route's middle
        boolean placeLabels = topology.edges().size() <= PLACED_LABELS_MAX_EDGES;
        List<ElkEdge> elkEdges = new ArrayList<>();
        for (Edge edge : topology.edges()) {
            ElkEdge e =
                    ElkGraphUtil.createSimpleEdge(
                            elkNodes.get(edge.source()), elkNodes.get(edge.dest()));
            String text = Labels.edge(edge);
            if (placeLabels && !text.isEmpty()) {
                ElkLabel label = ElkGraphUtil.createLabel(text, e);
                label.setDimensions(text.length() * Labels.EDGE_CHAR_PX, EDGE_LABEL_HEIGHT);
                label.setProperty(CoreOptions.EDGE_LABELS_PLACEMENT, EdgeLabelPlacement.CENTER);
            }
            elkEdges.add(e);
        }

        new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());

        Map<String, Box> boxes = new LinkedHashMap<>();
        elkNodes.forEach(
                (service, n) ->
                        boxes.put(
                                service, new Box(n.getX(), n.getY(), n.getWidth(), n.getHeight())));
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < elkEdges.size(); i++) {
            ElkEdge e = elkEdges.get(i);
            List<double[]> points = new ArrayList<>();
            for (ElkEdgeSection section : e.getSections()) {
                points.add(new double[] {section.getStartX(), section.getStartY()});
                for (ElkBendPoint bend : section.getBendPoints()) {
                    points.add(new double[] {bend.getX(), bend.getY()});
                }
                points.add(new double[] {section.getEndX(), section.getEndY()});
            }
            Box label = null;
            if (!e.getLabels().isEmpty()) {
                ElkLabel l = e.getLabels().get(0);
                label = new Box(l.getX(), l.getY(), l.getWidth(), l.getHeight());
            } else if (!placeLabels && points.size() >= 2) {
                double width = Labels.edge(topology.edges().get(i)).length() * Labels.EDGE_CHAR_PX;
                double[] middle = middle(points);
                label =
                        new Box(
                                middle[0] - width / 2,
                                middle[1] - EDGE_LABEL_HEIGHT - 2,
                                width,
                                EDGE_LABEL_HEIGHT);
            }
            routes.add(new Route(topology.edges().get(i), points, label));
        }
        return new Drawing(topology, boxes, routes, placeLabels, root.getWidth(), root.getHeight());
    }

    /**
     * The middle of a route: of its middle segment, or, for splines (start, then three points per
     * cubic Bézier), of its middle curve.
     */
    static double[] middle(List<double[]> points) {
        int n = points.size();
        if (n > 2 && (n - 1) % 3 == 0) {
            int curves = (n - 1) / 3;
            int first = 3 * (curves / 2);
            if (curves % 2 == 0) {
                return points.get(first);
            }
            double[] p0 = points.get(first);
            double[] p1 = points.get(first + 1);
            double[] p2 = points.get(first + 2);
            double[] p3 = points.get(first + 3);
            // a cubic Bézier at t = 1/2
            return new double[] {
                (p0[0] + 3 * p1[0] + 3 * p2[0] + p3[0]) / 8,
                (p0[1] + 3 * p1[1] + 3 * p2[1] + p3[1]) / 8
            };
        }
        double[] a = points.get((n - 1) / 2);
        double[] b = points.get((n - 1) / 2 + 1);
        return new double[] {(a[0] + b[0]) / 2, (a[1] + b[1]) / 2};
    }

    static double nodeWidth(Node node) {
        double text =
                Math.max(
                        node.service().length() * Labels.NAME_CHAR_PX,
                        Math.max(Labels.nodeCalls(node).length(), Labels.nodeLatency(node).length())
                                * Labels.METRIC_CHAR_PX);
        return Math.ceil(text + 2 * NODE_PADDING + KIND_STRIPE);
    }

    static double textLeft() {
        return KIND_STRIPE + NODE_PADDING;
    }
}
