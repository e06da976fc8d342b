package io.meshflow.job.graph;

import io.meshflow.job.graph.TopologyLayout.Box;
import io.meshflow.job.graph.TopologyLayout.Drawing;
import io.meshflow.job.graph.TopologyLayout.Route;
import io.meshflow.job.testing.TopologyDatabase;
import io.meshflow.sink.Dialect;
import io.meshflow.time.Granularity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;

import static io.meshflow.job.testing.TopologyDatabase.HOUR;
import static org.assertj.core.api.Assertions.assertThat;

/** ELK lays out a 200-service mesh: every service placed, none overlapping, every edge routed. */
class TopologyLayoutTest {
    @TempDir Path dir;

    @Test
    void twoHundredServicesGetDisjointBoxesAndRoutedEdges() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("mesh200.db");
        List<String> edges = TopologyDatabase.writeSyntheticMesh(url, 200, 7);
        Topology topology;
        try (Connection c = DriverManager.getConnection(url)) {
            topology =
                    new TopologyQuery(c, Dialect.SQLITE)
                            .read(new Window(Granularity.MINUTE, HOUR, HOUR.plusSeconds(3600)));
        }
        assertThat(topology.nodes()).hasSize(200);
        assertThat(topology.edges())
                .extracting(Topology.Edge::id)
                .containsExactlyInAnyOrderElementsOf(edges);

        Drawing drawing = TopologyLayout.layOut(topology);
        assertThat(drawing.labelsPlaced()).isFalse();

        List<Box> boxes = new ArrayList<>(drawing.nodes().values());
        assertThat(boxes).hasSize(200);
        for (int i = 0; i < boxes.size(); i++) {
            Box a = boxes.get(i);
            assertThat(a.x() + a.width()).isLessThanOrEqualTo(drawing.width());
            assertThat(a.y() + a.height()).isLessThanOrEqualTo(drawing.height());
            for (int j = i + 1; j < boxes.size(); j++) {
                Box b = boxes.get(j);
                boolean apart =
                        a.x() + a.width() <= b.x()
                                || b.x() + b.width() <= a.x()
                                || a.y() + a.height() <= b.y()
                                || b.y() + b.height() <= a.y();
                assertThat(apart).as("%s and %s overlap", a, b).isTrue();
            }
        }
        for (Route route : drawing.routes()) {
            Box source = drawing.nodes().get(route.edge().source());
            double[] start = route.points().get(0);
            assertThat(route.points()).as(route.edge().id()).hasSizeGreaterThanOrEqualTo(2);
            // the route leaves its source's box (callers are left of callees)
            assertThat(start[0]).isBetween(source.x() - 1, source.x() + source.width() + 1);
            // too many edges for ELK to place every label: each has its places by its ends
            assertThat(route.label()).isNull();
            Box dest = drawing.nodes().get(route.edge().dest());
            assertThat(route.byTarget().x() + route.byTarget().width()).isLessThan(dest.x());
            assertThat(route.bySource().x()).isGreaterThan(source.x() + source.width());
        }
        // callers come before callees: the layered layout flows left to right
        long forward =
                drawing.routes().stream()
                        .filter(
                                r ->
                                        drawing.nodes().get(r.edge().source()).x()
                                                < drawing.nodes().get(r.edge().dest()).x())
                        .count();
        assertThat(forward).isEqualTo(drawing.routes().size());
    }
}
