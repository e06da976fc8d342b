package io.meshflow.job;

import io.meshflow.job.testing.Postgres;
import io.meshflow.job.testing.Rows;
import io.meshflow.job.testing.ScenarioFile;
import io.meshflow.job.testing.SimulatedTraffic;
import io.meshflow.sink.OutputTable;
import io.meshflow.sink.OutputTables;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --write-mode merge} (issue 9, case 8): two halves of one input loaded in turn give exactly
 * the tables of the whole input in one run, every row of every table, in both databases; {@code
 * replace} keeps its meaning (the second half replaces); rows written without merge state are
 * refused with one line.
 */
class MergeModeITCase {
    /** Two minutes and a half of the simulated mesh: the halves share a minute, an hour, a day. */
    private static final int REQUESTS = 7000;

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void twoHalvesMergedInTurnGiveTheTablesOfTheWholeInput(String database) throws Exception {
        Inputs inputs = inputs();
        String whole = newDatabase(database, "whole");
        assertThat(run(inputs.whole, whole).code).isZero();
        String halves = newDatabase(database, "halves");
        assertThat(run(inputs.first, halves, "--write-mode", "merge").code).isZero();
        Result second = run(inputs.second, halves, "--write-mode", "merge");
        assertThat(second.code).isZero();
        assertThat(second.out).contains("write mode:   merge");

        Map<String, List<String>> expected = tables(whole);
        assertThat(expected.get("service_metrics")).hasSizeGreaterThan(20);
        assertThat(tables(halves)).isEqualTo(expected);
        assertThat(Rows.count(halves, "SELECT COUNT(*) FROM merge_bases"))
                .as("a finished run's bookkeeping is gone")
                .isZero();
    }

    @Test
    void replaceLetsTheSecondHalfReplaceTheFirst() throws Exception {
        Inputs inputs = inputs();
        String whole = newDatabase("sqlite", "whole");
        run(inputs.whole, whole);
        String halves = newDatabase("sqlite", "halves");
        run(inputs.first, halves);
        run(inputs.second, halves);

        String dayCalls = "SELECT SUM(calls) AS calls FROM service_edges WHERE granularity = 'day'";
        long wholeCalls = Rows.count(whole, dayCalls);
        long secondHalfCalls = Rows.count(halves, dayCalls);
        assertThat(secondHalfCalls).isGreaterThan(0).isLessThan(wholeCalls);
    }

    @Test
    void rowsWrittenWithoutMergeStateAreRefusedWithOneLine() throws Exception {
        Inputs inputs = inputs();
        String url = newDatabase("sqlite", "old");
        run(inputs.first, url);
        // as a database written before meshflow stored merge_state
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE service_edges SET merge_state = NULL");
        }
        Map<String, List<String>> before = tables(url);

        Result result = run(inputs.second, url, "--write-mode", "merge");
        assertThat(result.code).isEqualTo(3);
        assertThat(result.err)
                .hasLineCount(1)
                .contains("--write-mode merge: table service_edges holds")
                .contains("without merge_state");
        assertThat(tables(url)).isEqualTo(before);
    }

    /** The simulated traffic whole, and cut in two between requests. */
    private record Inputs(Path whole, Path first, Path second) {}

    private Inputs inputs() throws Exception {
        List<byte[]> all = SimulatedTraffic.requests(REQUESTS);
        int cut = SimulatedTraffic.requests(REQUESTS / 2).size();
        return new Inputs(
                ScenarioFile.write(dir.resolve("whole.bin"), all),
                ScenarioFile.write(dir.resolve("first.bin"), all.subList(0, cut)),
                ScenarioFile.write(dir.resolve("second.bin"), all.subList(cut, all.size())));
    }

    private String newDatabase(String database, String name) {
        return database.equals("sqlite")
                ? "jdbc:sqlite:" + dir.resolve(name + ".db")
                : Postgres.newDatabase();
    }

    /** Every row of every results table but the bookkeeping, sorted, as text. */
    static Map<String, List<String>> tables(String url) throws Exception {
        Map<String, List<String>> tables = new TreeMap<>();
        for (OutputTable<?> table : OutputTables.all()) {
            if (table == OutputTables.MERGE_BASES) {
                continue;
            }
            List<String> rows = new ArrayList<>();
            for (Map<String, Object> row : Rows.query(url, "SELECT * FROM " + table.name())) {
                rows.add(row.toString());
            }
            rows.sort(null);
            tables.put(table.name(), rows);
        }
        return tables;
    }

    private record Result(int code, String out, String err) {}

    private static Result run(Path input, String url, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--input",
                                input.toString(),
                                "--jdbc.url",
                                url,
                                "--parallelism",
                                "2"));
        args.addAll(List.of(more));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                MeshflowJob.execute(
                        args.toArray(String[]::new),
                        Map.of(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(
                code,
                out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8).strip());
    }
}
