package io.meshflow.job.tools;

import org.apache.flink.configuration.ConfigOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code produce} parses with the job's machinery: bad command lines end with one line and exit 2
 * before any broker is contacted, and {@code produce --help} lists its options.
 */
class ProduceOptionsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            --kafka.bootstrap-servers k:9092 --foo 1          | unknown option --foo (see produce --help
            --kafka.bootstrap-servers k:9092 --input x.bin    | unknown option --input
            --kafka.bootstrap-servers k:9092 --rate fast      | invalid value 'fast' for --rate: expected a number
            --kafka.bootstrap-servers k:9092 --rate 0         | --rate must be more than zero
            --kafka.bootstrap-servers k:9092 --requests lots  | invalid value 'lots' for --requests: expected a whole number
            --kafka.bootstrap-servers k:9092 --requests 0     | --requests must be at least 1
            --kafka.bootstrap-servers k:9092 --partitions 0   | --partitions must be at least 1
            --kafka.bootstrap-servers k:9092 --rate           | option --rate needs a value
            --kafka.bootstrap-servers k:9092 500              | unexpected argument '500'
            --rate 500                                        | --kafka.bootstrap-servers is required
            """)
    void aBadCommandLineEndsWithOneLine(String commandLine, String expected) throws Exception {
        Result result = run(commandLine.trim().split("\\s+"));
        assertThat(result.code).isEqualTo(2);
        assertThat(result.out).isEmpty();
        assertThat(result.err).startsWith("meshflow produce: ").contains(expected).hasLineCount(1);
    }

    @Test
    void helpListsEveryOptionWithItsDefault() throws Exception {
        Result result = run("--help");
        assertThat(result.code).isZero();
        assertThat(result.err).isEmpty();
        for (ConfigOption<?> option : ProduceOptions.COMMAND_LINE.options()) {
            assertThat(result.out).contains("  --" + option.key() + " ");
        }
        assertThat(result.out)
                .contains("--rate <number>  (default: 1000.0)")
                .contains("--partitions <whole number>  (default: 4)")
                .contains("--kafka.topic <string>  (default: mesh-telemetry)")
                .contains("--generator.seed <whole number>  (default: 42)")
                .contains("--kafka.properties.<name> <value>");
    }

    @Test
    void optionsTakeTheirTypes() {
        var options =
                Produce.checked(
                        new String[] {
                            "--kafka.bootstrap-servers",
                            "k:9092",
                            "--rate",
                            "2.5",
                            "--requests",
                            "7",
                            "--kafka.properties.acks",
                            "all"
                        });
        assertThat(options.get(ProduceOptions.RATE)).isEqualTo(2.5);
        assertThat(options.get(ProduceOptions.REQUESTS)).isEqualTo(7L);
        assertThat(options.get(ProduceOptions.PARTITIONS)).isEqualTo(4);
        assertThat(options.get(ProduceOptions.KAFKA_TOPIC)).isEqualTo("mesh-telemetry");
        assertThat(options.toMap()).containsEntry("kafka.properties.acks", "all");
    }

    private static Result run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                Produce.execute(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(
                code,
                out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8).strip());
    }

    private record Result(int code, String out, String err) {}
}
