package io.meshflow.job;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The job's command line, run in the test's JVM (on its MiniCluster when one is registered). */
final class Runs {
    private Runs() {}

    /** What a run printed and how it ended. */
    record Result(int code, String out, String err) {}

    static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                MeshflowJob.execute(
                        args,
                        env,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs the job and fails the test, showing what it printed, unless it ends with exit 0. */
    static Result runOk(String... args) {
        Result result = run(Map.of(), args);
        assertThat(result.code()).as(result.err()).isZero();
        return result;
    }
}
