package io.meshflow.job.graph;

import io.meshflow.job.graph.Topology.Edge;
import io.meshflow.job.graph.Topology.Node;
import io.meshflow.job.graph.TopologyLayout.Box;
import io.meshflow.job.graph.TopologyLayout.Drawing;
import io.meshflow.job.graph.TopologyLayout.Route;

import java.util.List;
import java.util.Locale;

/**
 * The topology as one self-contained HTML page: inline CSS, inline SVG and a few lines of script
 * (hover to highlight a service's calls, fit to the window). Nothing is fetched from the network.
 * Services carry {@code data-service}, edges {@code data-edge}; the script marks the body {@code
 * data-rendered="ok"} once it ran without an exception.
 */
public final class HtmlPage {
    private static final double WARN_RATE = 0.01;
    private static final double BAD_RATE = 0.05;

    private HtmlPage() {}

    public static String render(Drawing drawing) {
        Topology topology = drawing.topology();
        long calls = topology.edges().stream().mapToLong(Edge::calls).sum();
        long errors = topology.edges().stream().mapToLong(Edge::errors).sum();
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>meshflow topology · ")
                .append(xml(topology.window().describe()))
                .append("</title>\n<style>\n")
                .append(CSS)
                .append("</style>\n</head>\n<body data-rendered=\"no\">\n<header>\n")
                .append("<h1>meshflow topology</h1>\n<div class=\"sub\">")
                .append(xml(topology.window().describe()))
                .append(" · ")
                .append(topology.nodes().size())
                .append(" services · ")
                .append(topology.edges().size())
                .append(" edges · ")
                .append(calls)
                .append(" calls · ")
                .append(Labels.percent(calls == 0 ? 0 : (double) errors / calls))
                .append(" errors</div>\n</header>\n");
        legend(html, drawing);
        html.append("<main>\n");
        svg(html, drawing);
        html.append("</main>\n<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void legend(StringBuilder html, Drawing drawing) {
        Topology topology = drawing.topology();
        html.append("<div class=\"legend\">\n")
                .append("<span><i class=\"sw mesh\"></i>mesh service</span>\n")
                .append(
                        "<span><i class=\"sw external\"></i>external (never reported a side)</span>\n")
                .append(
                        "<span><i class=\"sw unknown\"></i>unknown (callers without a name)</span>\n")
                .append("<span><b>service</b>: calls in · error rate · p99</span>\n")
                .append("<span><b>edge</b>: calls · error rate · p99 · +overhead")
                .append(topology.hasTcp() ? " · TCP bytes" : "")
                .append("</span>\n")
                .append("<span><i class=\"ln ok\"></i>errors &lt; 1%")
                .append(" <i class=\"ln warn\"></i>≥ 1% <i class=\"ln bad\"></i>≥ 5%;")
                .append(" thicker = more calls</span>\n")
                .append("<span class=\"note\">overhead: client minus server latency, mean over")
                .append(" paired calls. p99 over several buckets: the largest bucket's p99 (stored")
                .append(" percentiles have no exact merge; this is an upper bound, exact with one")
                .append(" bucket). Counters are summed. Hover a service to highlight its calls")
                .append(
                        drawing.labelsPlaced()
                                ? " (or open the page as topology.html#service=NAME).</span>\n"
                                : " and show their numbers (on a mesh this big, edge numbers"
                                        + " show only so, and in every edge's tooltip), or open"
                                        + " the page as topology.html#service=NAME.</span>\n")
                .append("<button id=\"fit\" type=\"button\">Fit to window</button>\n</div>\n");
    }

    private static void svg(StringBuilder html, Drawing drawing) {
        double width = Math.max(drawing.width(), 320);
        double height = Math.max(drawing.height(), 80);
        html.append("<svg class=\"topology")
                .append(drawing.labelsPlaced() ? "" : " hover-labels")
                .append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(num(width))
                .append("\" height=\"")
                .append(num(height))
                .append("\" viewBox=\"0 0 ")
                .append(num(width))
                .append(' ')
                .append(num(height))
                .append("\">\n<defs>\n");
        for (String severity : new String[] {"ok", "warn", "bad"}) {
            html.append("<marker id=\"arrow-")
                    .append(severity)
                    .append("\" class=\"")
                    .append(severity)
                    .append(
                            "\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\""
                                    + " markerHeight=\"7\" markerUnits=\"userSpaceOnUse\""
                                    + " orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker>\n");
        }
        html.append("</defs>\n");
        if (drawing.topology().nodes().isEmpty()) {
            html.append(
                    "<text x=\"20\" y=\"40\" class=\"empty\">No calls in this window.</text>\n");
        }
        html.append("<g class=\"edges\">\n");
        for (Route route : drawing.routes()) {
            edge(html, route);
        }
        html.append("</g>\n<g class=\"nodes\">\n");
        for (Node node : drawing.topology().nodes()) {
            node(html, node, drawing.nodes().get(node.service()));
        }
        html.append("</g>\n</svg>\n");
    }

    private static void edge(StringBuilder html, Route route) {
        Edge edge = route.edge();
        String severity = severity(edge.errorRate());
        double stroke = 1 + Math.min(2.5, Math.log10(Math.max(1, edge.calls())) * 0.5);
        html.append("<g class=\"edge ")
                .append(severity)
                .append("\" data-edge=\"")
                .append(xml(edge.id()))
                .append("\" data-source=\"")
                .append(xml(edge.source()))
                .append("\" data-dest=\"")
                .append(xml(edge.dest()))
                .append("\"><title>")
                .append(xml(Labels.edgeDetail(edge)))
                .append("</title><path d=\"");
        // with spline routing ELK gives start, then control points and ends of cubic Béziers
        List<double[]> points = route.points();
        boolean cubic = points.size() > 2 && (points.size() - 1) % 3 == 0;
        for (int i = 0; i < points.size(); i++) {
            double[] p = points.get(i);
            String command = i == 0 ? "M" : !cubic ? " L" : (i - 1) % 3 == 0 ? " C" : " ";
            html.append(command).append(num(p[0])).append(',').append(num(p[1]));
        }
        html.append("\" stroke-width=\"")
                .append(num(stroke))
                .append("\" marker-end=\"url(#arrow-")
                .append(severity)
                .append(")\"/>");
        String text = Labels.edge(edge);
        label(html, route.label(), text, "placed");
        label(html, route.byTarget(), text, "by-target");
        label(html, route.bySource(), text, "by-source");
        html.append("</g>\n");
    }

    private static void label(StringBuilder html, Box box, String text, String place) {
        if (box == null || text.isEmpty()) {
            return;
        }
        html.append("<g class=\"lbl ")
                .append(place)
                .append("\"><rect x=\"")
                .append(num(box.x() - 1))
                .append("\" y=\"")
                .append(num(box.y()))
                .append("\" width=\"")
                .append(num(box.width() + 2))
                .append("\" height=\"")
                .append(num(box.height()))
                .append("\" rx=\"3\"/><text x=\"")
                .append(num(box.x()))
                .append("\" y=\"")
                .append(num(box.y() + box.height() - 3.5))
                .append("\">")
                .append(xml(text))
                .append("</text></g>");
    }

    private static void node(StringBuilder html, Node node, Box box) {
        double left = box.x() + TopologyLayout.textLeft();
        html.append("<g class=\"node ")
                .append(xml(node.kind()))
                .append("\" data-service=\"")
                .append(xml(node.service()))
                .append("\" data-kind=\"")
                .append(xml(node.kind()))
                .append("\"><title>")
                .append(xml(Labels.nodeDetail(node)))
                .append("</title><rect class=\"box\" x=\"")
                .append(num(box.x()))
                .append("\" y=\"")
                .append(num(box.y()))
                .append("\" width=\"")
                .append(num(box.width()))
                .append("\" height=\"")
                .append(num(box.height()))
                .append("\" rx=\"6\"/><rect class=\"stripe\" x=\"")
                .append(num(box.x()))
                .append("\" y=\"")
                .append(num(box.y()))
                .append("\" width=\"6\" height=\"")
                .append(num(box.height()))
                .append("\" rx=\"3\"/><text class=\"name\" x=\"")
                .append(num(left))
                .append("\" y=\"")
                .append(num(box.y() + 19))
                .append("\">")
                .append(xml(node.service()))
                .append("</text><text class=\"metric ")
                .append(node.calls() == 0 ? "none" : severity(node.errorRate()))
                .append("\" x=\"")
                .append(num(left))
                .append("\" y=\"")
                .append(num(box.y() + 35))
                .append("\">")
                .append(xml(Labels.nodeCalls(node)))
                .append("</text><text class=\"metric\" x=\"")
                .append(num(left))
                .append("\" y=\"")
                .append(num(box.y() + 49))
                .append("\">")
                .append(xml(Labels.nodeLatency(node)))
                .append("</text></g>\n");
    }

    private static String severity(double errorRate) {
        return errorRate >= BAD_RATE ? "bad" : errorRate >= WARN_RATE ? "warn" : "ok";
    }

    static String xml(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '&' -> s.append("&amp;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c < 0x20 && c != '\n' && c != '\t' ? '?' : c);
            }
        }
        return s.toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static final String CSS =
            """
            body { margin: 0; font: 14px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                   color: #1e293b; background: #f1f5f9; }
            header { padding: 16px 24px 6px; background: #fff; }
            h1 { font-size: 20px; margin: 0 0 4px; font-weight: 650; }
            .sub { color: #475569; }
            .legend { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 22px; padding: 8px 24px 12px;
                      font-size: 12.5px; color: #334155; background: #fff; border-bottom: 1px solid #e2e8f0; }
            .legend .note { flex-basis: 100%; color: #64748b; }
            .legend button { font: inherit; padding: 2px 10px; border: 1px solid #cbd5e1; border-radius: 4px;
                             background: #f8fafc; cursor: pointer; }
            .sw { display: inline-block; width: 10px; height: 14px; border-radius: 2px; margin-right: 6px;
                  vertical-align: -2px; }
            .ln { display: inline-block; width: 22px; height: 3px; margin: 0 4px 0 6px; vertical-align: 3px; }
            .sw.mesh { background: #2563eb; } .sw.external { background: #9333ea; } .sw.unknown { background: #94a3b8; }
            .ln.ok { background: #94a3b8; } .ln.warn { background: #f59e0b; } .ln.bad { background: #dc2626; }
            main { overflow: auto; padding: 12px; }
            svg.topology { display: block; background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; }
            .node rect.box { fill: #fff; stroke: #cbd5e1; }
            .node.mesh .stripe { fill: #2563eb; } .node.external .stripe { fill: #9333ea; }
            .node.unknown .stripe { fill: #94a3b8; }
            .node.external rect.box { fill: #faf5ff; } .node.unknown rect.box { fill: #f8fafc; stroke-dasharray: 4 3; }
            .node text.name { font: 600 13px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                              fill: #0f172a; }
            .node text.metric { font: 11px ui-monospace, "DejaVu Sans Mono", Menlo, monospace; fill: #475569; }
            .node text.warn { fill: #b45309; } .node text.bad { fill: #dc2626; font-weight: 600; }
            .node text.none { fill: #94a3b8; }
            .edge path { fill: none; stroke: #94a3b8; }
            .edge.warn path { stroke: #f59e0b; } .edge.bad path { stroke: #dc2626; }
            marker.ok path { fill: #94a3b8; } marker.warn path { fill: #f59e0b; } marker.bad path { fill: #dc2626; }
            .edge .lbl rect { fill: #fff; opacity: 0.85; }
            .edge text { font: 10px ui-monospace, "DejaVu Sans Mono", Menlo, monospace; fill: #334155; }
            .edge.bad text { fill: #b91c1c; }
            text.empty { font-size: 16px; fill: #64748b; }
            svg.focus .edge:not(.hi), svg.focus .node:not(.hi) { opacity: 0.15; }
            svg.focus .edge.hi path { stroke-width: 3; }
            .edge .lbl.by-target, .edge .lbl.by-source { display: none; }
            svg.focus .edge.out .lbl.by-target, svg.focus .edge.in .lbl.by-source { display: inline; }
            """;

    private static final String SCRIPT =
            """
            (function () {
              try {
                var svg = document.querySelector('svg.topology');
                var edges = Array.prototype.slice.call(svg.querySelectorAll('.edge'));
                var nodes = Array.prototype.slice.call(svg.querySelectorAll('.node'));
                function clear() {
                  svg.classList.remove('focus');
                  svg.querySelectorAll('.hi').forEach(function (e) {
                    e.classList.remove('hi', 'in', 'out');
                  });
                }
                // highlights a service, its calls and the services at their other ends
                function focus(service) {
                  clear();
                  nodes.forEach(function (node) {
                    if (node.getAttribute('data-service') === service) { node.classList.add('hi'); }
                  });
                  edges.forEach(function (edge) {
                    var s = edge.getAttribute('data-source'), d = edge.getAttribute('data-dest');
                    if (s !== service && d !== service) { return; }
                    svg.classList.add('focus');
                    edge.classList.add('hi', s === service ? 'out' : 'in');
                    nodes.forEach(function (other) {
                      var o = other.getAttribute('data-service');
                      if (o === s || o === d) { other.classList.add('hi'); }
                    });
                  });
                }
                // page.html#service=NAME opens with NAME highlighted: a link to one service's calls
                function fromAddress() {
                  var hash = decodeURIComponent(window.location.hash.substring(1));
                  if (hash.indexOf('service=') === 0) { focus(hash.substring(8)); } else { clear(); }
                }
                nodes.forEach(function (node) {
                  var service = node.getAttribute('data-service');
                  node.addEventListener('mouseenter', function () { focus(service); });
                  node.addEventListener('mouseleave', fromAddress);
                });
                window.addEventListener('hashchange', fromAddress);
                fromAddress();
                var natural = [svg.getAttribute('width'), svg.getAttribute('height')];
                var button = document.getElementById('fit');
                button.addEventListener('click', function () {
                  var fitted = svg.getAttribute('width') === '100%';
                  svg.setAttribute('width', fitted ? natural[0] : '100%');
                  svg.setAttribute('height', fitted ? natural[1] : 'auto');
                  button.textContent = fitted ? 'Fit to window' : 'Actual size';
                });
                document.body.setAttribute('data-rendered', 'ok');
              } catch (e) {
                document.body.setAttribute('data-rendered', 'error: ' + e);
              }
            })();
            """;
}
