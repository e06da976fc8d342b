package io.meshflow.job;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.meshflow.job.DockerFiles.FLINK_CONFIG_DIR;
import static io.meshflow.job.DockerFiles.service;
import static io.meshflow.job.DockerFiles.services;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code docker/flink/config.yaml} as Flink itself reads it ({@link GlobalConfiguration}). */
class FlinkConfigTest {
    private static final Configuration FLINK =
            GlobalConfiguration.loadConfiguration(FLINK_CONFIG_DIR.toAbsolutePath().toString());

    @Test
    void flinkConfigurationSetsStateCheckpointsAndRestarts() {
        assertThat(FLINK.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(FLINK.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(FLINK.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file:///checkpoints");
        assertThat(FLINK.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        // TaskManagers and the client find the JobManager under its compose service name
        assertThat(services()).containsKey(FLINK.get(JobManagerOptions.ADDRESS));
        assertThat(String.valueOf(service("jobmanager").get("ports")))
                .contains(":" + FLINK.get(RestOptions.PORT) + ":" + FLINK.get(RestOptions.PORT));
        // in a container, a process listening on localhost only is unreachable
        assertThat(FLINK.get(RestOptions.BIND_ADDRESS)).isEqualTo("0.0.0.0");
        assertThat(FLINK.get(JobManagerOptions.BIND_HOST)).isEqualTo("0.0.0.0");
        assertThat(FLINK.get(TaskManagerOptions.BIND_HOST)).isEqualTo("0.0.0.0");
        // the image's own config.yaml is replaced: what it had for Java 17 and memory must be here
        assertThat(FLINK.get(CoreOptions.FLINK_JVM_OPTIONS))
                .contains("--add-opens=java.base/java.util=ALL-UNNAMED");
        assertThat(FLINK.containsKey(TaskManagerOptions.TOTAL_PROCESS_MEMORY.key())).isTrue();
        assertThat(FLINK.containsKey(JobManagerOptions.TOTAL_PROCESS_MEMORY.key())).isTrue();
    }

    /**
     * A misspelt key is silently ignored by Flink: every key must be one of its options (or a
     * deprecated name).
     */
    @Test
    void everyFlinkConfigurationKeyIsAFlinkOption() throws Exception {
        Set<String> known = new HashSet<>();
        for (Class<?> options :
                List.of(
                        CoreOptions.class,
                        JobManagerOptions.class,
                        TaskManagerOptions.class,
                        RestOptions.class,
                        CheckpointingOptions.class,
                        StateBackendOptions.class,
                        RestartStrategyOptions.class)) {
            for (Field field : options.getFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && ConfigOption.class.isAssignableFrom(field.getType())) {
                    ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                    known.add(option.key());
                    for (FallbackKey fallback : option.fallbackKeys()) {
                        known.add(fallback.getKey());
                    }
                }
            }
        }
        assertThat(FLINK.keySet()).isNotEmpty();
        assertThat(FLINK.keySet())
                .as("keys that are no Flink option")
                .filteredOn(key -> !known.contains(key))
                .isEmpty();
    }
}
