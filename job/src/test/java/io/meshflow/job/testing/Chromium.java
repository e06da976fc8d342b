package io.meshflow.job.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real headless Chromium (Debian's {@code chromium} package, on PATH; {@code .ci/run} installs
 * it) that loads a local page and gives back its DOM after scripts ran, or a screenshot.
 */
public final class Chromium {
    private static final String[] NAMES = {"chromium", "chromium-browser", "google-chrome"};
    private static final long TIMEOUT_SECONDS = 120;

    private Chromium() {}

    /** What one run of the browser printed. */
    public record Run(String stdout, String stderr) {}

    /**
     * The DOM of the page at {@code url} once its scripts ran ({@code --dump-dom}), and the
     * browser's log.
     */
    public static Run dumpDom(String url, Path workDir) throws IOException, InterruptedException {
        return run(workDir, "--dump-dom", url);
    }

    /** Writes a PNG of the page at {@code url} as a window of the given size shows it. */
    public static Run screenshot(String url, Path png, int width, int height, Path workDir)
            throws IOException, InterruptedException {
        return run(
                workDir,
                "--hide-scrollbars",
                "--screenshot=" + png.toAbsolutePath(),
                "--window-size=" + width + "," + height,
                url);
    }

    private static Run run(Path workDir, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable());
        command.add("--headless");
        command.add("--no-sandbox");
        command.add("--disable-gpu");
        // a profile of its own: no state from another run, and no clash with a running browser
        command.add("--user-data-dir=" + Files.createTempDirectory(workDir, "chromium-profile"));
        // the page's console (uncaught exceptions included) goes to stderr
        command.add("--enable-logging=stderr");
        command.add("--v=0");
        command.addAll(List.of(arguments));
        Path out = Files.createTempFile(workDir, "chromium", ".out");
        Path err = Files.createTempFile(workDir, "chromium", ".err");
        Process process =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    "chromium exited with " + process.exitValue() + ": " + stderr);
        }
        return new Run(Files.readString(out, StandardCharsets.UTF_8), stderr);
    }

    /** Chromium on PATH, or a clear failure saying how to get it. */
    static String executable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : NAMES) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new IllegalStateException(
                "no Chromium on PATH (looked for "
                        + String.join(", ", NAMES)
                        + "): install it with apt-get install -y chromium; .ci/run does so");
    }
}
