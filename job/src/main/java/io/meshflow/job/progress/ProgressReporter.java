package io.meshflow.job.progress;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.Scheduled;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One progress line per reporting interval while a local run goes on: sides read, their rate,
 * calls, rows handed to the database writers, dead letters. It adds no counting of its own: it sums
 * counters the operators keep anyway (Flink's numRecordsIn, and the pairing's and splitting's own),
 * and only in the JVM of an embedded run, where {@link #CONFIG_PREFIX} enables it.
 */
public final class ProgressReporter implements MetricReporter, Scheduled {

    /** Flink's keys of this reporter: {@code metrics.reporter.progress.*}. */
    public static final String CONFIG_PREFIX = "metrics.reporter.progress.";

    private static final Logger LOG = LogManager.getLogger(ProgressReporter.class);

    private static final List<String> CALLS =
            List.of("pairedCalls", "clientOnlyCalls", "serverOnlyCalls");

    /** The counters each figure sums, across subtasks. */
    private final Map<Counter, String> counters = new ConcurrentHashMap<>();

    private long lastSides;
    private long lastNanos = System.nanoTime();

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (!(metric instanceof Counter counter)) {
            return;
        }
        String operator = group.getAllVariables().getOrDefault("<operator_name>", "");
        String figure = figure(operator, name);
        if (figure != null) {
            counters.put(counter, figure);
        }
    }

    /** Which figure a counter adds to, by the names the pipeline gives its operators. */
    static String figure(String operator, String name) {
        if (operator.equals("Pair sides") && name.equals("sides")) {
            return "sides";
        }
        if (operator.equals("Pair sides") && CALLS.contains(name)) {
            return "calls";
        }
        if (operator.equals("Split batches") && name.equals("deadLetters")) {
            return "deadLetters";
        }
        // the database writer's own count of table rows (its input holds dead letters too)
        if (operator.startsWith("Upsert ") && name.equals("rows")) {
            return "rows";
        }
        return null;
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Counter counter) {
            counters.remove(counter);
        }
    }

    @Override
    public void report() {
        Map<String, Long> sums = new java.util.HashMap<>();
        counters.forEach((counter, figure) -> sums.merge(figure, counter.getCount(), Long::sum));
        long sides = sums.getOrDefault("sides", 0L);
        if (sides == 0 && sums.getOrDefault("deadLetters", 0L) == 0) {
            return; // nothing read yet: the job is still starting
        }
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        long rate = Math.round((sides - lastSides) / seconds);
        lastSides = sides;
        lastNanos = now;
        LOG.info(
                "progress: {} sides read ({}/s), {} calls, {} rows written, {} dead letters",
                sides,
                rate,
                sums.getOrDefault("calls", 0L),
                sums.getOrDefault("rows", 0L),
                sums.getOrDefault("deadLetters", 0L));
    }
}
