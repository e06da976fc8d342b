package io.meshflow.job.bench;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The job's own metrics, read by a benchmark while an embedded run goes on: the sides the pairing
 * has seen, the rows handed to the database writers and the pairing's {@code inFlightKeys}, summed
 * over subtasks. Flink creates the reporter in the MiniCluster of this JVM, so the figures are
 * static; counters of tasks that ended keep counting in the totals.
 */
public final class JobMetrics implements MetricReporter {
    private static final Set<Counter> SIDES = ConcurrentHashMap.newKeySet();
    private static final Set<Counter> ROWS = ConcurrentHashMap.newKeySet();
    private static final Set<Gauge<?>> IN_FLIGHT_KEYS = ConcurrentHashMap.newKeySet();
    private static final AtomicLong ENDED_SIDES = new AtomicLong();
    private static final AtomicLong ENDED_ROWS = new AtomicLong();
    private static final Set<Counter> ROWS_WRITTEN = ConcurrentHashMap.newKeySet();
    private static final AtomicLong ENDED_ROWS_WRITTEN = new AtomicLong();

    /** Adds this reporter to the Flink settings of an embedded run. */
    public static void enable(Configuration flinkConfig) {
        flinkConfig.setString("metrics.reporter.bench.factory.class", Factory.class.getName());
    }

    /** Forgets the figures of an earlier run in this JVM. */
    public static void reset() {
        ENDED_SIDES.set(0);
        ENDED_ROWS.set(0);
        ENDED_ROWS_WRITTEN.set(0);
    }

    /** Sides the pairing has seen (Flink's counter {@code sides} of "Pair sides"). */
    public static long sides() {
        return ENDED_SIDES.get() + sum(SIDES);
    }

    /** Rows handed to the database writers (numRecordsIn of every "Upsert" sink). */
    public static long rows() {
        return ENDED_ROWS.get() + sum(ROWS);
    }

    /**
     * Table rows the writers wrote to the database (their {@code rowsWritten}): each row once a
     * flush, however many versions of it the flush received.
     */
    public static long rowsWritten() {
        return ENDED_ROWS_WRITTEN.get() + sum(ROWS_WRITTEN);
    }

    /** Keys with pairing state now, or -1 when no pairing subtask reports them. */
    public static long inFlightKeys() {
        if (IN_FLIGHT_KEYS.isEmpty()) {
            return -1;
        }
        long keys = 0;
        for (Gauge<?> gauge : IN_FLIGHT_KEYS) {
            keys += ((Number) gauge.getValue()).longValue();
        }
        return keys;
    }

    private static long sum(Set<Counter> counters) {
        long sum = 0;
        for (Counter counter : counters) {
            sum += counter.getCount();
        }
        return sum;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        String operator = group.getAllVariables().getOrDefault("<operator_name>", "");
        if (operator.equals("Pair sides") && name.equals("sides")) {
            SIDES.add((Counter) metric);
        } else if (operator.equals("Pair sides") && name.equals("inFlightKeys")) {
            IN_FLIGHT_KEYS.add((Gauge<?>) metric);
        } else if (operator.startsWith("Upsert ") && !operator.contains("Committer")) {
            if (name.equals("numRecordsIn")) {
                ROWS.add((Counter) metric);
            } else if (name.equals("rowsWritten")) {
                ROWS_WRITTEN.add((Counter) metric);
            }
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Counter counter && SIDES.remove(counter)) {
            ENDED_SIDES.addAndGet(counter.getCount());
        } else if (metric instanceof Counter counter && ROWS.remove(counter)) {
            ENDED_ROWS.addAndGet(counter.getCount());
        } else if (metric instanceof Counter counter && ROWS_WRITTEN.remove(counter)) {
            ENDED_ROWS_WRITTEN.addAndGet(counter.getCount());
        } else if (metric instanceof Gauge<?> gauge) {
            IN_FLIGHT_KEYS.remove(gauge);
        }
    }

    /** What Flink instantiates from {@code metrics.reporter.bench.factory.class}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new JobMetrics();
        }
    }
}
