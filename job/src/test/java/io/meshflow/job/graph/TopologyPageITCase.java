package io.meshflow.job.graph;

import io.meshflow.job.testing.Chromium;
import io.meshflow.job.testing.TopologyDatabase;
import io.meshflow.job.tools.Graph;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page {@code graph} writes, in a real headless Chromium: its script runs without an exception,
 * every service and edge of the database is in the DOM, and a screenshot shows a picture (not a
 * blank page). The screenshots stay in target/ to be looked at.
 */
class TopologyPageITCase {
    private static final Path SHOTS = Path.of("target", "topology-pages");

    @TempDir Path dir;

    @Test
    void theSmallMeshRendersWithEveryServiceAndEdge() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("small.db");
        TopologyDatabase.writeSmallMesh(url);
        TopologyDatabase.addTcpTable(url);
        Path page = graph(url, "small.html");

        Set<String> edges = new HashSet<>(TopologyDatabase.EDGES);
        edges.add("reviews -> mysql");
        Set<String> services = new HashSet<>(TopologyDatabase.SERVICES.keySet());
        services.add("mysql");
        assertRendersAll(page, services, edges);
        assertScreenshotShowsAPicture(page.toUri().toString(), "small.png", 1400, 700);
    }

    @Test
    void twoHundredServicesRenderWithEveryServiceAndEdge() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("mesh200.db");
        List<String> edges = TopologyDatabase.writeSyntheticMesh(url, 200, 7);
        Path page = graph(url, "mesh200.html");

        Set<String> services = new HashSet<>();
        services.add("unknown");
        for (int i = 1; i < 200; i++) {
            services.add(TopologyDatabase.name(i));
        }
        assertRendersAll(page, services, new HashSet<>(edges));
        assertScreenshotShowsAPicture(page.toUri().toString(), "mesh200.png", 1600, 1000);
    }

    @Test
    void anAddressWithAServiceHighlightsItsCallsAndOnlyThem() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("mesh200.db");
        List<String> edges = TopologyDatabase.writeSyntheticMesh(url, 200, 7);
        Path page = graph(url, "mesh200.html");
        String service = TopologyDatabase.name(3);

        String dom = Chromium.dumpDom(page.toUri() + "#service=" + service, dir).stdout();

        assertThat(dom)
                .contains("data-rendered=\"ok\"")
                .contains("class=\"topology hover-labels focus\"");
        Set<String> out = new HashSet<>();
        Set<String> in = new HashSet<>();
        for (String edge : edges) {
            if (edge.startsWith(service + " -> ")) {
                out.add(edge);
            } else if (edge.endsWith(" -> " + service)) {
                in.add(edge);
            }
        }
        assertThat(out).isNotEmpty();
        assertThat(in).isNotEmpty();
        assertThat(highlighted(dom, "out")).isEqualTo(out);
        assertThat(highlighted(dom, "in")).isEqualTo(in);
        assertScreenshotShowsAPicture(
                page.toUri() + "#service=" + service, "mesh200-focus.png", 1600, 1000);
    }

    /** The {@code data-edge} of edges the script marked as a highlighted service's calls. */
    private static Set<String> highlighted(String dom, String direction) {
        Set<String> values = new HashSet<>();
        Matcher m =
                Pattern.compile("class=\"edge [a-z]+ hi " + direction + "\" data-edge=\"([^\"]*)\"")
                        .matcher(dom);
        while (m.find()) {
            values.add(m.group(1).replace("&gt;", ">").replace("&amp;", "&"));
        }
        return values;
    }

    private Path graph(String url, String name) {
        Path page = dir.resolve(name);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                Graph.execute(
                        new String[] {
                            "--jdbc.url", url,
                            "--from", "2026-01-01T10:00:00Z",
                            "--to", "2026-01-01T11:00:00Z",
                            "--granularity", "minute",
                            "--out", page.toString()
                        },
                        Map.of(),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return page;
    }

    private void assertRendersAll(Path page, Set<String> services, Set<String> edges)
            throws Exception {
        Chromium.Run run = Chromium.dumpDom(page.toUri().toString(), dir);
        String dom = run.stdout();
        assertThat(dom).as("the page's script ran to its end").contains("data-rendered=\"ok\"");
        assertThat(run.stderr()).doesNotContain("Uncaught");
        assertThat(attributes(dom, "data-service")).isEqualTo(services);
        assertThat(attributes(dom, "data-edge")).isEqualTo(edges);
    }

    private void assertScreenshotShowsAPicture(String page, String name, int width, int height)
            throws Exception {
        Files.createDirectories(SHOTS);
        Path png = SHOTS.resolve(name);
        Files.deleteIfExists(png);
        Chromium.screenshot(page, png, width, height, dir);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(width);
        assertThat(image.getHeight()).isEqualTo(height);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y));
            }
        }
        // text, boxes, kind stripes and coloured edges: far more than a blank page's one colour
        assertThat(colours.size()).as("distinct colours in " + png).isGreaterThan(50);
        // the kinds' colours are on screen: mesh blue and the grey of edges
        assertThat(colours).contains(0xFF2563EB, 0xFF94A3B8);
    }

    private static Set<String> attributes(String dom, String attribute) {
        Set<String> values = new HashSet<>();
        Matcher m = Pattern.compile(attribute + "=\"([^\"]*)\"").matcher(dom);
        while (m.find()) {
            values.add(m.group(1).replace("&gt;", ">").replace("&amp;", "&"));
        }
        return values;
    }
}
