package io.meshflow.job.testing;

import io.meshflow.job.Launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * JVMs on Flink's classpath with one configuration folder: daemons, which must keep running unless
 * killed on purpose, and short-lived ones run to their end. Each logs to {@code NAME.log} and
 * {@code NAME.out}. {@link #close()} kills every one still running, as does the end of the test JVM
 * if nothing called it.
 */
final class FlinkProcesses implements AutoCloseable {
    private final String classpath;
    private final ClusterConfig config;
    private final Path logDir;
    private final Map<String, Process> running = new ConcurrentHashMap<>();
    private final Map<String, Process> daemons = new ConcurrentHashMap<>();
    private final Thread shutdownHook = new Thread(this::killAll, "flink-processes-shutdown");

    FlinkProcesses(Path lib, ClusterConfig config, Path logDir) throws IOException {
        this.classpath = lib.toAbsolutePath().resolve("*").toString();
        this.config = config;
        this.logDir = Files.createDirectories(logDir).toAbsolutePath();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    Path logDir() {
        return logDir;
    }

    void startDaemon(String name, List<String> jvmOptions, String mainClass, List<String> args)
            throws IOException {
        daemons.put(name, start(name, jvmOptions, mainClass, args));
    }

    /** Runs a short-lived JVM to its end; returns its output, or fails if it does. */
    String runToEnd(String name, List<String> jvmOptions, String mainClass, List<String> args)
            throws IOException, InterruptedException {
        Process process = start(name, jvmOptions, mainClass, args);
        boolean ended = process.waitFor(90, TimeUnit.SECONDS);
        stop(name);
        String output = Files.readString(logDir.resolve(name + ".out"));
        if (!ended || process.exitValue() != 0) {
            throw new IllegalStateException(
                    name
                            + (ended ? " exited with " + process.exitValue() : " did not end")
                            + ":\n"
                            + output);
        }
        return output;
    }

    /** kill -9 (SIGKILL on Linux): no shutdown hook, no goodbye to the JobManager. */
    void kill(String name) {
        daemons.remove(name);
        if (!stop(name)) {
            throw new IllegalStateException(name + " did not die");
        }
    }

    /** Fails, not to be waited out, if a daemon not killed on purpose has ended. */
    void assertDaemonsRunning() {
        daemons.forEach(
                (name, process) -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(
                                name
                                        + " exited with "
                                        + process.exitValue()
                                        + ": see "
                                        + logDir.resolve(name + ".out")
                                        + " and .log");
                    }
                });
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs killAll again, harmlessly
        }
    }

    private Process start(String name, List<String> jvmOptions, String mainClass, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(Launcher.addOpens());
        command.add("-Dlog.file=" + logDir.resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=" + config.log4j().toUri());
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(args);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(logDir.resolve(name + ".out").toFile());
        builder.environment().put("FLINK_CONF_DIR", config.dir().toString());
        Process process = builder.start();
        running.put(name, process);
        return process;
    }

    private synchronized void killAll() {
        daemons.clear();
        running.values().forEach(Process::destroyForcibly);
        running.keySet().forEach(this::stop);
    }

    /** Kills the process and waits until it is gone; false if it did not go. */
    private boolean stop(String name) {
        Process process = running.remove(name);
        process.destroyForcibly();
        try {
            return process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
