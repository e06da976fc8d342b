package io.meshflow.job;

import io.meshflow.job.config.MeshflowOptions;
import io.meshflow.job.config.OptionSet;

import org.apache.flink.configuration.ConfigOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --help} is generated from the options, and every option describes itself. */
class HelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void helpListsEveryOptionWithItsDefaultAndDescription(String flag) {
        Help help = help(flag);
        assertThat(help.code).isZero();
        assertThat(help.err).isEmpty();
        assertThat(MeshflowOptions.ALL).isNotEmpty();
        for (ConfigOption<?> option : MeshflowOptions.ALL) {
            String entry = entry(help.out, option.key());
            if (option.hasDefaultValue()) {
                assertThat(entry).contains("(default: ");
            } else {
                assertThat(entry).doesNotContain("(default: ");
            }
            assertThat(entry.replaceAll("\\s+", " "))
                    .contains(OptionSet.description(option).replaceAll("\\s+", " "));
        }
        assertThat(help.out)
                .contains("--kafka.properties.<name> <value>")
                .contains("meshflow-job.jar produce")
                .contains("meshflow-job.jar graph")
                .contains("flink run meshflow-job.jar");
    }

    @Test
    void defaultsAreShownInTheFormTheCommandLineTakes() {
        String out = help("--help").out;
        assertThat(entry(out, "pair.timeout")).contains("(default: 10s)");
        assertThat(entry(out, "apdex.threshold")).contains("(default: 500ms)");
        assertThat(entry(out, "allowed-lateness")).contains("(default: 60s)");
        assertThat(entry(out, "kafka.topic")).contains("(default: mesh-telemetry)");
        assertThat(entry(out, "generator.requests")).contains("(default: 100000)");
        assertThat(entry(out, "format"))
                .contains("<skywalking|otlp>")
                .contains("(default: skywalking)");
        assertThat(entry(out, "kafka.starting-offsets"))
                .contains("<committed|earliest|latest>")
                .contains("(default: committed)");
    }

    @Test
    void helpIsAnsweredEvenAfterOtherOptions() {
        Help help = help("--input", "/no/such/file", "--help");
        assertThat(help.code).isZero();
        assertThat(help.out).contains("--input");
        assertThat(help.err).isEmpty();
    }

    @Test
    void everyOptionHasADescription() {
        assertThat(MeshflowOptions.ALL)
                .allSatisfy(option -> assertThat(OptionSet.description(option)).isNotBlank());
    }

    @Test
    void everyOptionFieldIsAnOption() throws IllegalAccessException {
        List<ConfigOption<?>> fields = new ArrayList<>();
        for (Field field : MeshflowOptions.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                fields.add((ConfigOption<?>) field.get(null));
            }
        }
        assertThat(fields).hasSizeGreaterThan(15);
        assertThat(MeshflowOptions.ALL).containsExactlyInAnyOrderElementsOf(fields);
    }

    /** The lines --help prints for one option: its own line and its description below it. */
    private static String entry(String help, String key) {
        int start = help.indexOf("\n  --" + key + " ");
        assertThat(start).as("--help lists --%s", key).isNotNegative();
        int end = help.indexOf("\n  --", start + 1);
        return help.substring(start, end < 0 ? help.length() : end);
    }

    private static Help help(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                MeshflowJob.execute(
                        args,
                        Map.of(),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Help(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Help(int code, String out, String err) {}
}
