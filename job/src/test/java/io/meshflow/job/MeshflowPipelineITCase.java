package io.meshflow.job;

import io.meshflow.aggregate.MetricKey;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;
import io.meshflow.decode.SideBatch;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.testing.AbCalls;
import io.meshflow.job.testing.Collected;
import io.meshflow.job.testing.Dataflow;
import io.meshflow.job.testing.Flink;
import io.meshflow.job.testing.HandCheckedScenario;
import io.meshflow.sim.MeshSimulator;
import io.meshflow.testing.Sides;
import io.meshflow.time.Granularity;

import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static io.meshflow.job.testing.HandCheckedScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

/**
 * The dataflow alone ({@link MeshflowPipeline#apply}) at parallelism 2 on a MiniCluster, from
 * decoded input to the rows of every table, asserted on {@link MetricRecord}s without a database.
 * The database ITCases keep what only they show: the sources, the SQL, recovery.
 */
class MeshflowPipelineITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    private static final long MINUTE_10_00 = T0;
    private static final long DAY_1 = Granularity.DAY.bucketStart(T0);

    @TempDir Path dir;

    @Test
    void theHandCheckedScenarioGivesItsRowsInEveryTable() throws Exception {
        Collected out = Dataflow.run(HandCheckedScenario.batches(), scenarioSettings());

        Map<Table, Integer> rows = new EnumMap<>(Table.class);
        for (Table table : Table.values()) {
            rows.put(table, out.table(table).size());
        }
        assertThat(rows)
                .containsOnly(
                        // B: 3 minutes, hour, day; A, C and Z: 1 minute, hour, day
                        entry(Table.SERVICE_METRICS, 14),
                        // minute 10:00 a-1, b-1, b-2, z-1; b-1 at 10:01 and 10:10; 4 hour, 4 day
                        entry(Table.INSTANCE_METRICS, 14),
                        // minute 10:00 A GET:/, B GET:/items and POST:/orders, C, Z; B at 10:01
                        // and 10:10; 5 hour, 5 day
                        entry(Table.ENDPOINT_METRICS, 17),
                        // minute 10:00 A->B, A->C, A->Z, unknown->A; A->B at 10:01 and 10:10; 4
                        // hour, 4 day
                        entry(Table.SERVICE_EDGES, 14),
                        // minute 10:00 a-1->b-1, a-1->b-2, a-1->z-1 (r3 and r5 have no dest
                        // instance); a-1->b-1 at 10:01 and 10:10; 3 hour, 3 day
                        entry(Table.INSTANCE_EDGES, 11),
                        // minutes 10:00, 10:01, 10:10, hour, day
                        entry(Table.PIPELINE_STATS, 5),
                        // per service and minute (the upsert merges them into one row per
                        // service): A and B in 10:00, 10:01, 10:10; C, Z, unknown in 10:00
                        entry(Table.SERVICES, 9),
                        // its one TCP side ends before it starts: a dead letter (TcpITCase has TCP)
                        entry(Table.TCP_SERVICE_EDGES, 0),
                        entry(Table.TCP_INSTANCE_EDGES, 0));

        // Minute 10:00 of B, the server's view: r1, r2 (500), r3 (503, client-only), r7's first
        // attempt (503) and retry, the one without id; r11 came late and is not among them.
        MetricRecord b =
                out.row(
                        Table.SERVICE_METRICS,
                        key(Table.SERVICE_METRICS, Granularity.MINUTE, MINUTE_10_00, "B"));
        assertThat(b.metrics.calls).isEqualTo(6);
        assertThat(b.metrics.errors).isEqualTo(3);
        assertThat(b.metrics.latencySumMs).isEqualTo(1440);
        assertThat(b.metrics.apdex()).isCloseTo(2.0 / 6, within(1e-9));

        MetricRecord abDay =
                out.row(
                        Table.SERVICE_EDGES,
                        key(Table.SERVICE_EDGES, Granularity.DAY, DAY_1, "A", "B"));
        assertThat(abDay.metrics.calls).isEqualTo(7);
        assertThat(abDay.metrics.pairedCalls).isEqualTo(5);
        assertThat(abDay.metrics.clientLatencySumMs).isEqualTo(465);
        assertThat(abDay.metrics.serverLatencySumMs).isEqualTo(293);

        MetricRecord stats =
                out.row(Table.PIPELINE_STATS, key(Table.PIPELINE_STATS, Granularity.DAY, DAY_1));
        assertThat(stats.metrics.sides).isEqualTo(HandCheckedScenario.VALID_SIDES);
        assertThat(stats.metrics.duplicateSides).isEqualTo(1);
        assertThat(stats.metrics.lateSides).isEqualTo(1);

        // every row reached the output of its own table
        for (Table table : Table.values()) {
            assertThat(out.writes(table))
                    .allSatisfy(row -> assertThat(row.key.table).isEqualTo(table));
        }
    }

    @Test
    void badAndLateInputIsSplitOffAsDeadLetters() throws Exception {
        Collected out = Dataflow.run(HandCheckedScenario.batches(), scenarioSettings());

        // lines 19 to 22 of the scenario: r11 late, no startTime, not a message, a TCP side
        // without endTime
        assertThat(out.deadLetters())
                .extracting(
                        d ->
                                d.id.replaceFirst("~[0-9a-f]{8}$", "")
                                        + " "
                                        + d.reason.replaceAll(":.*", ""))
                .containsExactlyInAnyOrder(
                        "scenario@18#0/late late",
                        "scenario@19#0 missing-start-time",
                        "scenario@20 undecodable",
                        "scenario@21#0 end-before-start");
        DeadLetter undecodable =
                out.deadLetters().stream()
                        .filter(d -> d.reason.startsWith(DeadLetter.UNDECODABLE))
                        .findFirst()
                        .orElseThrow();
        assertThat(undecodable.payload)
                .as("kept whole")
                .isEqualTo(HandCheckedScenario.records().get(20));

        // The late side is a dead letter and is counted as late in its own minute, in no call.
        MetricRecord minute =
                out.row(
                        Table.PIPELINE_STATS,
                        key(Table.PIPELINE_STATS, Granularity.MINUTE, MINUTE_10_00));
        assertThat(minute.metrics.lateSides).isEqualTo(1);
        assertThat(minute.metrics.sides).isEqualTo(15);
    }

    @Test
    void aReplayOfTheSameInputWritesTheSameRows() throws Exception {
        Collected first = Dataflow.run(HandCheckedScenario.batches(), scenarioSettings());
        Collected second = Dataflow.run(HandCheckedScenario.batches(), scenarioSettings());

        for (Table table : Table.values()) {
            // What the table ends up holding. How often a row was written on the way may differ:
            // a late update reaches MergeRows before or after the watermark that writes the row,
            // as the two subtasks' channels happen to deliver.
            assertThat(described(second.table(table).values()))
                    .as(table.sqlName())
                    .containsExactlyInAnyOrderElementsOf(described(first.table(table).values()));
            if (!isTcp(table)) {
                // the scenario has no valid TCP side
                assertThat(first.table(table)).as(table.sqlName()).isNotEmpty();
            }
        }
        assertThat(second.deadLetters())
                .extracting(d -> d.id + " " + d.reason)
                .containsExactlyInAnyOrderElementsOf(
                        first.deadLetters().stream().map(d -> d.id + " " + d.reason).toList());
    }

    /**
     * A call that comes after its minute's row was due, but within allowed lateness, still counts
     * in it; and each write of the row is the whole row, never the late call alone, so each upsert
     * leaves the whole row in the table. (Whether the row was first written without the call
     * depends on which watermark reaches MergeRows first; what every write holds does not.)
     */
    @Test
    void aCallWithinAllowedLatenessCountsAndEveryWriteOfItsRowIsWhole() throws Exception {
        List<SideBatch> input = new ArrayList<>();
        input.add(AbCalls.batch("r1", true, 1_000, 100));
        input.add(AbCalls.batch("r1", false, 1_003, 90));
        // 10:01:20 moves the watermark past 10:01:10, when minute 10:00 is due ...
        input.add(AbCalls.batch("r2", true, 80_000, 50));
        input.add(AbCalls.batch("r2", false, 80_002, 45));
        // ... and not to 10:02:10, when it is forgotten: this call still counts in it.
        input.add(AbCalls.batch("r3", true, 30_000, 30));
        input.add(AbCalls.batch("r3", false, 30_004, 25));

        Collected out = Dataflow.run(input, JobSettings.from(new String[0], Map.of()));

        MetricKey minute = key(Table.SERVICE_METRICS, Granularity.MINUTE, MINUTE_10_00, "B");
        List<String> writes =
                out.writes(Table.SERVICE_METRICS).stream()
                        .filter(row -> row.key.equals(minute))
                        .map(
                                row ->
                                        row.metrics.calls
                                                + " calls, "
                                                + row.metrics.latencySumMs
                                                + " ms")
                        .toList();
        assertThat(writes).last().isEqualTo("2 calls, 115 ms");
        assertThat(writes).isSubsetOf("1 calls, 90 ms", "2 calls, 115 ms");
        assertThat(out.deadLetters()).isEmpty();
    }

    @Test
    void theSimulatedMeshLosesNoSide() throws Exception {
        MeshSimulator simulator = new MeshSimulator(42);
        List<SideBatch> input = new ArrayList<>();
        for (long n = 0; n < MeshSimulator.records(3000); n++) {
            input.add(
                    Sides.DECODER.decode(simulator.record(n).toByteArray(), "generator/" + n, T0));
        }

        Collected out = Dataflow.run(input, JobSettings.from(new String[0], Map.of()));

        for (Table table : Table.values()) {
            assertThat(out.writes(table)).as(table.sqlName()).isNotEmpty();
        }
        long sides = 0, duplicates = 0, late = 0, paired = 0, clientOnly = 0, serverOnly = 0;
        for (MetricRecord row : out.table(Table.PIPELINE_STATS).values()) {
            if (row.key.granularity == Granularity.DAY) {
                sides += row.metrics.sides;
                duplicates += row.metrics.duplicateSides;
                late += row.metrics.lateSides;
                paired += row.metrics.pairedCalls;
                clientOnly += row.metrics.clientOnlyCalls;
                serverOnly += row.metrics.serverOnlyCalls;
            }
        }
        long retries =
                out.table(Table.SERVICE_EDGES).values().stream()
                        .filter(row -> row.key.granularity == Granularity.DAY)
                        .mapToLong(row -> row.metrics.serverRetries)
                        .sum();
        long tcpSides =
                out.table(Table.TCP_SERVICE_EDGES).values().stream()
                        .filter(row -> row.key.granularity == Granularity.DAY)
                        .mapToLong(
                                row ->
                                        row.metrics.clientConnections
                                                + row.metrics.serverConnections)
                        .sum();
        assertThat(paired + clientOnly + serverOnly)
                .as("one call per simulated request")
                .isEqualTo(3000);
        // Every side is counted: in a call (paired calls have two, retries one more), as a TCP
        // connection's side, as duplicate or late.
        assertThat(sides)
                .isEqualTo(
                        2 * paired
                                + clientOnly
                                + serverOnly
                                + retries
                                + tcpSides
                                + duplicates
                                + late);
        assertThat(out.deadLetters()).isEmpty();
    }

    private JobSettings scenarioSettings() throws Exception {
        return HandCheckedScenario.settings(dir);
    }

    private static MetricKey key(
            Table table, Granularity granularity, long bucketStart, String... names) {
        String[] n = {"", "", "", ""};
        System.arraycopy(names, 0, n, 0, names.length);
        return new MetricKey(table, granularity, bucketStart, n[0], n[1], n[2], n[3]);
    }

    private static List<String> described(Collection<MetricRecord> rows) {
        return rows.stream().map(Collected::describe).toList();
    }

    private static boolean isTcp(Table table) {
        return table == Table.TCP_SERVICE_EDGES || table == Table.TCP_INSTANCE_EDGES;
    }
}
