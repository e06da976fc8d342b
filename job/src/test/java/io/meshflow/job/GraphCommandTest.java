package io.meshflow.job;

import io.meshflow.job.testing.TopologyDatabase;
import io.meshflow.job.tools.Graph;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code meshflow graph} on the command line: what it writes for the default and a chosen window,
 * and one line with exit 2 or 3 for bad options and unusable databases, as the job.
 */
class GraphCommandTest {
    @TempDir Path dir;
    private String url;

    @BeforeEach
    void writeTheSmallMesh() throws Exception {
        url = "jdbc:sqlite:" + dir.resolve("results.db");
        TopologyDatabase.writeSmallMesh(url);
    }

    @Test
    void byDefaultItDrawsTheLastHourOfDataAsAnHtmlPage() throws Exception {
        Result result = run("--jdbc.url", url, "--out", dir.resolve("topology.html").toString());

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.out)
                .isEqualTo(
                        "meshflow graph: 5 services, 4 edges, 2026-01-01 09:59 – 10:32 UTC (33"
                                + " minute buckets) -> "
                                + dir.resolve("topology.html")
                                + "\n");
        String page = Files.readString(dir.resolve("topology.html"));
        assertThat(page)
                .startsWith("<!DOCTYPE html>")
                .contains("2026-01-01 09:59 – 10:32 UTC (33 minute buckets)")
                .contains("<svg class=\"topology\"")
                .contains("largest bucket's p99")
                // 09:59's 1000 calls are in this window; overhead (1000 x 1.0 + 90 x 2.0 + 30 x
                // 4.0) / 1120
                .contains("1.2k · 0.6% · p99 120ms · +1.2ms")
                .doesNotContainPattern("<(link|img|script) [^>]*(src|href)=");
        // viewing it needs no network: the only address is the SVG namespace's name
        assertThat(page.replace("xmlns=\"http://www.w3.org/2000/svg\"", ""))
                .doesNotContain("http://", "https://");
        for (String service : TopologyDatabase.SERVICES.keySet()) {
            assertThat(page).contains("data-service=\"" + service + "\"");
        }
        for (String edge : TopologyDatabase.EDGES) {
            assertThat(page).contains("data-edge=\"" + edge.replace(">", "&gt;") + "\"");
        }
    }

    @Test
    void aDotFileForWholeHoursReadsTheHourRows() throws Exception {
        Path dot = dir.resolve("topology.dot");
        Result result =
                run(
                        "--jdbc.url",
                        url,
                        "--from",
                        "2026-01-01T10:00:00Z",
                        "--to",
                        "2026-01-01T11:00",
                        "--out",
                        dot.toString());

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.out).contains("2 services, 1 edges").contains("(1 hour bucket)");
        assertThat(Files.readString(dot))
                .startsWith("// meshflow topology, 2026-01-01 10:00 – 11:00 UTC (1 hour bucket)")
                .contains("\"frontend\" -> \"reviews\" [label=\"150 · 4.7% · p99 110ms · +2.5ms\"");
    }

    @Test
    void aDateInToIncludesThatDay() throws Exception {
        Path dot = dir.resolve("day.dot");
        Result result =
                run(
                        "--jdbc.url",
                        url,
                        "--from",
                        "2026-01-01",
                        "--to",
                        "2026-01-01",
                        "--granularity",
                        "minute",
                        "--out",
                        dot.toString());

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.out)
                .contains("2026-01-01 00:00 – 2026-01-02 00:00 UTC (1440 minute buckets)");
        assertThat(Files.readString(dot))
                .contains(
                        "\"frontend\" -> \"reviews\" [label=\"1.2k · 0.6% · p99 120ms · +1.2ms\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            --foo 1                                   | unknown option --foo (see graph --help for the options)
            --input x                                 | unknown option --input
            --from                                    | option --from needs a value
            --from yesterday                          | invalid value 'yesterday' for --from: expected an ISO-8601 UTC time
            --to 2026-13-01                           | invalid value '2026-13-01' for --to
            --granularity week                        | invalid value 'week' for --granularity: expected minute, hour or day
            --from 2026-01-02 --to 2026-01-01T10:00Z  | the window is empty
            --out a.html --out b.html                 | option --out is given twice
            --jdbc.url jdbc:mysql://db/x              | --jdbc.url: unsupported database URL
            """)
    void aBadOptionEndsWithOneLineAndExit2(String commandLine, String expected) {
        Result result = run(commandLine.trim().split("\\s+"));
        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).startsWith("meshflow graph: ").contains(expected).hasLineCount(1);
    }

    @Test
    void anUnusableOrEmptyDatabaseEndsWithOneLineAndExit3() throws Exception {
        Result missing = run("--jdbc.url", "jdbc:sqlite:" + dir.resolve("no/such/dir/x.db"));
        assertThat(missing.code).isEqualTo(3);
        assertThat(missing.err)
                .startsWith("meshflow graph: cannot read the database")
                .hasLineCount(1);

        Path empty = dir.resolve("empty.db");
        Files.createFile(empty);
        Result noTables = run("--jdbc.url", "jdbc:sqlite:" + empty);
        assertThat(noTables.code).isEqualTo(3);
        assertThat(noTables.err).contains("no such table").hasLineCount(1);
    }

    @Test
    void anUnwritableOutputFileEndsWithOneLineAndExit2() {
        Result result =
                run("--jdbc.url", url, "--out", dir.resolve("no/such/dir/t.html").toString());
        assertThat(result.code).isEqualTo(2);
        assertThat(result.err).startsWith("meshflow graph: cannot write").hasLineCount(1);
    }

    @Test
    void helpListsEveryOptionOfGraph() {
        Result result = run("--help");
        assertThat(result.code).isZero();
        assertThat(result.err).isEmpty();
        assertThat(result.out)
                .startsWith("usage: java -jar meshflow-job.jar graph")
                .contains("--jdbc.url", "--from", "--to", "--granularity", "--out")
                .contains("topology.html");
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                Graph.execute(
                        args,
                        Map.of(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
