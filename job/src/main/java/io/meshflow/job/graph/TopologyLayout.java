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

    /**
     * A routed edge: its points from source to target, and where its label goes: placed by ELK
     * ({@code label}), or, on big meshes, two places for labels shown on hover: just before the
     * target (for the calls a hovered service makes) and just after the source (for the calls it
     * receives), where the routes of one service's edges are apart.
     */
    public record Route(Edge edge, List<double[]> points, Box label, Box byTarget, Box bySource) {}

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
        // labels shown on hover sit between the layers, beside the boxes: leave them the room
        double widestLabel =
                topology.edges().stream()
                        .mapToDouble(e -> Labels.edge(e).length() * Labels.EDGE_CHAR_PX)
                        .max()
                        .orElse(0);
        root.setProperty(
                LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS,
                placeLabels ? 28.0 : widestLabel + 24);
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
            }
            Box byTarget = null;
            Box bySource = null;
            if (!placeLabels && points.size() >= 2) {
                Edge edge = topology.edges().get(i);
                double width = Labels.edge(edge).length() * Labels.EDGE_CHAR_PX;
                double[] start = points.get(0);
                double[] end = points.get(points.size() - 1);
                // beside the boxes, not at the route's ends: a spline may end on a box's top
                ElkNode target = elkNodes.get(edge.dest());
                ElkNode source = elkNodes.get(edge.source());
                byTarget =
                        new Box(
                                Math.max(0, target.getX() - width - 12),
                                end[1] - EDGE_LABEL_HEIGHT - 1,
                                width,
                                EDGE_LABEL_HEIGHT);
                bySource =
                        new Box(
                                source.getX() + source.getWidth() + 6,
                                start[1] - EDGE_LABEL_HEIGHT - 1,
                                width,
                                EDGE_LABEL_HEIGHT);
            }
            routes.add(new Route(topology.edges().get(i), points, label, byTarget, bySource));
        }
        return new Drawing(topology, boxes, routes, placeLabels, root.getWidth(), root.getHeight());
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
