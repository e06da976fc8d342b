package io.meshflow.job.progress;

import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Properties;

/** How Flink's metric system makes a {@link ProgressReporter} (named in META-INF/services). */
public final class ProgressReporterFactory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new ProgressReporter();
    }
}
