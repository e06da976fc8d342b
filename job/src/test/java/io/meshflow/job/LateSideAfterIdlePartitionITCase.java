package io.meshflow.job;

import io.meshflow.aggregate.MetricKey;
import io.meshflow.aggregate.MetricRecord;
import io.meshflow.aggregate.Table;
import io.meshflow.decode.DeadLetter;
import io.meshflow.decode.Side;
import io.meshflow.decode.SideBatch;
import io.meshflow.decode.SideWatermarks;
import io.meshflow.decode.skywalking.SideDecoder;
import io.meshflow.job.config.JobSettings;
import io.meshflow.job.testing.AbCalls;
import io.meshflow.job.testing.Collected;
import io.meshflow.job.testing.Dataflow;
import io.meshflow.job.testing.Flink;
import io.meshflow.time.Granularity;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.meshflow.job.testing.HandCheckedScenario.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two partitions read by two source subtasks, as Kafka partitions are. One goes idle while the
 * other moves event time on to 10:10, so rows of minute 10:00 are written and forgotten; then the
 * idle one resumes with a call of 10:00:30. Where it is read the call is not late (that subtask's
 * watermark is far behind), so it is counted; but {@code MergeRows} must not write minute 10:00's
 * forgotten rows again with this call alone in them, which would replace the rows in the database
 * with a part of themselves.
 *
 * <p>The order is made certain, not hoped for: each partition's source waits at a gate, opened by
 * the test when a row shows that the dataflow has got far enough.
 */
class LateSideAfterIdlePartitionITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster(1, 2);

    private static final long MINUTE_10_00 = T0;
    private static final long MINUTE_10_05 = T0 + 5 * 60_000;
    private static final long MINUTE_10_12 = T0 + 12 * 60_000;

    /**
     * r5's rows of minute 10:05: service, instance, endpoint, service edge, instance edge, A and B
     * in services, pipeline_stats.
     */
    private static final int ROWS_OF_R5 = 8;

    /** Marks its partition idle where it is read (see {@link IdleOnMarker}). */
    private static final String IDLE = "idle";

    /** Nothing to count: keeps a source subtask in its split while it waits at a gate. */
    private static final String NOTHING = "nothing";

    /**
     * The input, split in two halves that two source subtasks read: the first moves event time to
     * 10:10 and goes idle; the second starts idle and, once its gate opens, sends a call of
     * 10:00:30 and one of 10:12.
     */
    private static final List<Record> RECORDS =
            List.of(
                    // first partition
                    Record.side("r1", true, 1_000, 100),
                    Record.side("r1", false, 1_003, 90),
                    Record.side("r5", true, 5 * 60_000, 40),
                    Record.side("r5", false, 5 * 60_000 + 2, 35),
                    Record.side("r10", true, 10 * 60_000, 10),
                    Record.marker(IDLE),
                    Record.marker(NOTHING).after(Gate.FIRST),
                    // second partition
                    Record.marker(IDLE),
                    Record.side("late", true, 30_000, 60).after(Gate.SECOND),
                    Record.side("late", false, 30_002, 55),
                    Record.side("r12", true, 12 * 60_000, 20),
                    Record.side("r12", false, 12 * 60_000 + 2, 15),
                    Record.marker(NOTHING),
                    Record.marker(NOTHING));

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aLateSideAfterAnIdlePartitionDoesNotRewriteAForgottenRow() throws Exception {
        Gate.reset();
        Set<MetricKey> minute1005 = new HashSet<>();
        Collected out =
                Dataflow.run(
                        LateSideAfterIdlePartitionITCase::twoPartitions,
                        JobSettings.from(new String[0], Map.of()),
                        row -> {
                            if (row.key.bucketStart == MINUTE_10_05
                                    && row.key.granularity == Granularity.MINUTE
                                    && minute1005.add(row.key)
                                    && minute1005.size() == ROWS_OF_R5) {
                                // Both MergeRows subtasks have passed 10:06:10, so minute 10:00
                                // (forgotten at 10:02:10) is gone: the idle partition may resume.
                                Gate.SECOND.open();
                            }
                            if (row.key.bucketStart == MINUTE_10_12) {
                                // Only the resumed partition moves event time past 10:13:10, after
                                // its late call: the first partition may end.
                                Gate.FIRST.open();
                            }
                        });
        assertThat(minute1005)
                .extracting(LateSideAfterIdlePartitionITCase::mergeRowsSubtask)
                .as("the rows awaited before the idle partition resumes come from both subtasks")
                .containsOnly(0, 1)
                .contains(0, 1);

        // B's row of minute 10:00 was written once, with r1 only, and not again with the late call.
        MetricKey bMinute =
                new MetricKey(
                        Table.SERVICE_METRICS, Granularity.MINUTE, MINUTE_10_00, "B", "", "", "");
        assertThat(out.writes(Table.SERVICE_METRICS))
                .filteredOn(row -> row.key.equals(bMinute))
                .extracting(
                        row -> row.metrics.calls + " calls, " + row.metrics.latencySumMs + " ms")
                .containsExactly("1 calls, 90 ms");
        for (Table table :
                List.of(
                        Table.SERVICE_METRICS,
                        Table.INSTANCE_METRICS,
                        Table.ENDPOINT_METRICS,
                        Table.SERVICE_EDGES,
                        Table.INSTANCE_EDGES,
                        Table.SERVICES)) {
            assertThat(out.writes(table))
                    .as(table.sqlName() + ": minute 10:00 written once per row")
                    .filteredOn(
                            row ->
                                    row.key.granularity == Granularity.MINUTE
                                            && row.key.bucketStart == MINUTE_10_00)
                    .extracting(row -> row.key)
                    .doesNotHaveDuplicates()
                    .isNotEmpty();
        }

        // The call was not late where it was read: no dead letter. It counts in pipeline_stats,
        // whose rows are kept a month for such updates, and in the hour and day not yet written.
        assertThat(out.deadLetters()).isEmpty();
        MetricRecord stats =
                out.row(
                        Table.PIPELINE_STATS,
                        new MetricKey(
                                Table.PIPELINE_STATS,
                                Granularity.MINUTE,
                                MINUTE_10_00,
                                "",
                                "",
                                "",
                                ""));
        assertThat(stats.metrics.sides).isEqualTo(4);
        assertThat(stats.metrics.pairedCalls).isEqualTo(2);
        assertThat(stats.metrics.lateSides).isZero();
        MetricRecord bHour =
                out.row(
                        Table.SERVICE_METRICS,
                        new MetricKey(
                                Table.SERVICE_METRICS,
                                Granularity.HOUR,
                                MINUTE_10_00,
                                "B",
                                "",
                                "",
                                ""));
        // r1, r5, r10 (client-only), the late call, r12
        assertThat(bHour.metrics.calls).isEqualTo(5);
    }

    /** Which MergeRows subtask holds a row (parallelism 2, Flink's default maximum parallelism). */
    private static int mergeRowsSubtask(MetricKey key) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(
                key,
                KeyGroupRangeAssignment.computeDefaultMaxParallelism(Dataflow.PARALLELISM),
                Dataflow.PARALLELISM);
    }

    /** Both halves of {@link #RECORDS}, one per source subtask, with the job's watermarks. */
    private static DataStream<SideBatch> twoPartitions(
            StreamExecutionEnvironment env, JobSettings settings) {
        Duration outOfOrderness = settings.outOfOrderness;
        WatermarkStrategy<SideBatch> watermarks =
                WatermarkStrategy.<SideBatch>forGenerator(
                                context -> new IdleOnMarker(new SideWatermarks(outOfOrderness)))
                        .withTimestampAssigner((batch, recordTimestamp) -> batch.eventTime);
        // The generator source splits its numbers in halves, one per subtask. A subtask takes
        // another split only when it has finished one, and the first half waits at its gate within
        // its split, so each subtask reads one half.
        return env.fromSource(
                        new DataGeneratorSource<>(
                                new Records(), RECORDS.size(), TypeInformation.of(SideBatch.class)),
                        watermarks,
                        "Two partitions")
                .setParallelism(2);
    }

    /** The record at each index, after waiting at its gate if it has one. */
    private static final class Records implements GeneratorFunction<Long, SideBatch> {
        private static final long serialVersionUID = 1L;

        @Override
        public SideBatch map(Long index) throws Exception {
            Record record = RECORDS.get(index.intValue());
            if (record.gate != null) {
                record.gate.await();
            }
            return record.batch(index);
        }
    }

    /**
     * The job's watermarks, and idleness where the input says so: a source subtask waiting at its
     * gate is idle, as a silent Kafka partition is once its idleness timeout has passed.
     */
    private static final class IdleOnMarker implements WatermarkGenerator<SideBatch> {
        private final SideWatermarks watermarks;

        IdleOnMarker(SideWatermarks watermarks) {
            this.watermarks = watermarks;
        }

        @Override
        public void onEvent(SideBatch batch, long eventTimestamp, WatermarkOutput output) {
            if (IDLE.equals(batch.origin)) {
                output.markIdle();
            } else {
                watermarks.onEvent(batch, eventTimestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            watermarks.onPeriodicEmit(output);
        }
    }

    /** One input record: a side, or a marker with no side in it. */
    private record Record(byte[] payload, String marker, Gate gate) {
        static Record side(String requestId, boolean client, long start, int latency) {
            return new Record(AbCalls.record(requestId, client, start, latency), null, null);
        }

        static Record marker(String marker) {
            return new Record(null, marker, null);
        }

        Record after(Gate gate) {
            return new Record(payload, marker, gate);
        }

        SideBatch batch(long index) {
            if (marker != null) {
                return new SideBatch(new Side[0], new DeadLetter[0], new byte[0], marker);
            }
            return SideDecoder.decode(payload, "partition/" + index, T0);
        }
    }

    /** Where a source subtask waits until the test lets it go on (same JVM as the MiniCluster). */
    private enum Gate {
        FIRST,
        SECOND;

        private static final List<CompletableFuture<Void>> OPEN = new ArrayList<>();

        static synchronized void reset() {
            OPEN.clear();
            for (Gate ignored : values()) {
                OPEN.add(new CompletableFuture<>());
            }
        }

        void open() {
            future().complete(null);
        }

        void await() throws Exception {
            future().get();
        }

        private CompletableFuture<Void> future() {
            synchronized (Gate.class) {
                return OPEN.get(ordinal());
            }
        }
    }
}
