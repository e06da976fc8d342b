package io.meshflow.job.testing;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A real standalone Flink session cluster on this machine: one JobManager and any number of
 * TaskManagers, each a JVM of its own started from Flink's jars the way Flink's {@code bin/}
 * scripts start them (memory flags from {@code BashJavaUtils}), plus Flink's own command line
 * client as a further process for submitting and cancelling jobs. Every process logs to a file
 * under the log directory. {@link #close()} kills every process this started.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final String JOB_MANAGER =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER =
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String CLI = "org.apache.flink.client.cli.CliFrontend";
    private static final String BASH_JAVA_UTILS =
            "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    /** Flink's serializers reflect into java.util and java.lang on Java 17. */
    private static final List<String> ADD_OPENS =
            List.of(
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED");

    /**
     * For the short-lived JVMs (BashJavaUtils, the client): start fast, little GC work, on a small
     * machine.
     */
    private static final List<String> SHORT_LIVED =
            List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");

    /**
     * Classes Flink's own runtime uses, with the artifact that has them: a Flink distribution's lib
     * carries them all. A lib folder that misses any cannot start a cluster, or cannot run a job on
     * it.
     */
    private static final Map<String, String> DISTRIBUTION_CLASSES =
            Map.of(
                    "org/slf4j/LoggerFactory.class",
                    "org.slf4j:slf4j-api",
                    "org/apache/commons/lang3/StringUtils.class",
                    "org.apache.commons:commons-lang3",
                    "net/jpountz/lz4/LZ4Factory.class",
                    "lz4-java",
                    "org/xerial/snappy/Snappy.class",
                    "org.xerial.snappy:snappy-java",
                    "org/apache/flink/connector/datagen/source/GeneratorFunction.class",
                    "org.apache.flink:flink-connector-datagen",
                    "org/apache/flink/connector/base/source/reader/SourceReaderBase.class",
                    "org.apache.flink:flink-connector-base");

    private final Path classpath;
    private final Path confDir;
    private final Path logDir;
    private final int restPort;
    private final List<ResourceParams> params = new ArrayList<>(2);

    /** Every process running that this started, by name (its log files' name). */
    private final Map<String, Process> processes = new ConcurrentHashMap<>();

    /**
     * The JobManager and the TaskManagers not killed on purpose: any of them ending is a failure.
     */
    private final Map<String, Process> daemons = new ConcurrentHashMap<>();

    private final List<String> taskManagers = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private int taskManagersStarted;
    private int cliRuns;

    /** Kills the processes should the test JVM end without {@link #close()}. */
    private final Thread shutdownHook = new Thread(this::killAll, "standalone-cluster-shutdown");

    private StandaloneCluster(Path lib, Path confDir, Path logDir, int restPort) {
        this.classpath = lib.toAbsolutePath().resolve("*");
        this.confDir = confDir.toAbsolutePath();
        this.logDir = logDir.toAbsolutePath();
        this.restPort = restPort;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Writes a configuration to {@code workDir}, then starts the JobManager and {@code
     * taskManagers} TaskManagers of one slot each. Returns at once; {@link #awaitTaskManagers}
     * waits until they are registered. {@code extraConfig} entries are added to (or override) the
     * configuration.
     */
    public static StandaloneCluster start(
            Path lib, Path workDir, Path logDir, int taskManagers, Map<String, String> extraConfig)
            throws IOException {
        checkDistribution(lib);
        Path conf = Files.createDirectories(workDir.resolve("conf"));
        Files.createDirectories(logDir);
        StandaloneCluster cluster = new StandaloneCluster(lib, conf, logDir, freePort());
        cluster.writeConfig(workDir.toAbsolutePath(), extraConfig);
        try {
            cluster.params.add(cluster.resourceParams("GET_JM_RESOURCE_PARAMS"));
            cluster.params.add(cluster.resourceParams("GET_TM_RESOURCE_PARAMS"));
            cluster.startJobManager();
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * Fails with one message naming every missing artifact if {@code lib} is not a whole Flink
     * runtime.
     */
    private static void checkDistribution(Path lib) throws IOException {
        List<Path> jars;
        try (var files = Files.list(lib)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).toList();
        } catch (java.nio.file.NoSuchFileException e) {
            jars = List.of();
        }
        if (jars.stream().noneMatch(p -> p.getFileName().toString().startsWith("flink-runtime-"))) {
            throw new IllegalStateException(
                    lib.toAbsolutePath() + " holds no Flink runtime: run mvn package first");
        }
        Map<String, String> missing = new TreeMap<>(DISTRIBUTION_CLASSES);
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                missing.keySet().removeIf(entry -> file.getEntry(entry) != null);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(
                    lib.toAbsolutePath()
                            + " is not a whole Flink runtime: it lacks "
                            + String.join(", ", new TreeSet<>(missing.values()))
                            + " (classes "
                            + missing.keySet()
                            + "), which a Flink distribution has. The build copies Flink's jars there (job/pom.xml, "
                            + "copy-dependencies of provided scope): a dependency the job also declares, or that one of its "
                            + "compile dependencies brings, is missed.");
        }
    }

    private void writeConfig(Path workDir, Map<String, String> extraConfig) throws IOException {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("jobmanager.rpc.address", "localhost");
        config.put("jobmanager.rpc.port", String.valueOf(freePort()));
        config.put("jobmanager.bind-host", "localhost");
        config.put("rest.address", "localhost");
        config.put("rest.bind-address", "localhost");
        config.put("rest.port", String.valueOf(restPort));
        config.put("taskmanager.host", "localhost");
        config.put("taskmanager.bind-host", "localhost");
        config.put("taskmanager.numberOfTaskSlots", "1");
        config.put("jobmanager.memory.process.size", "1024m");
        config.put("taskmanager.memory.process.size", "1024m");
        // the hashmap state backend keeps state on the task heap, not in managed memory: give the
        // heap the room
        config.put("taskmanager.memory.managed.size", "64m");
        config.put(
                "execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
        config.put("restart-strategy.type", "fixed-delay");
        config.put("restart-strategy.fixed-delay.attempts", "1000");
        config.put("restart-strategy.fixed-delay.delay", "1 s");
        // a killed TaskManager is noticed within seconds, not Flink's default 50 s
        config.put("heartbeat.interval", "1000");
        config.put("heartbeat.timeout", "5000");
        config.put("io.tmp.dirs", Files.createDirectories(workDir.resolve("tmp")).toString());
        config.put("web.tmpdir", Files.createDirectories(workDir.resolve("web")).toString());
        config.putAll(extraConfig);
        StringBuilder yaml = new StringBuilder();
        config.forEach(
                (key, value) -> yaml.append(key).append(": \"").append(value).append("\"\n"));
        Files.writeString(confDir.resolve("config.yaml"), yaml);
        Files.writeString(
                confDir.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = File",
                        "appender.file.name = File",
                        "appender.file.type = File",
                        "appender.file.append = false",
                        "appender.file.fileName = ${sys:log.file}",
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %t %c{1} - %m%n",
                        "logger.kafka.name = org.apache.kafka",
                        "logger.kafka.level = WARN",
                        ""));
    }

    /**
     * What Flink's scripts get from BashJavaUtils: JVM flags, and dynamic configuration for the
     * entry point.
     */
    private record ResourceParams(List<String> jvmParams, List<String> dynamicConfigs) {}

    private ResourceParams resourceParams(String command) throws IOException {
        String output =
                run(
                        "bash-java-utils-" + command,
                        Duration.ofSeconds(60),
                        SHORT_LIVED,
                        BASH_JAVA_UTILS,
                        List.of(command, "--configDir", confDir.toString()));
        List<String> results =
                output.lines()
                        .filter(l -> l.startsWith(RESULT_PREFIX))
                        .map(l -> l.substring(RESULT_PREFIX.length()).strip())
                        .toList();
        if (results.size() != 2) {
            throw new IllegalStateException(
                    "BashJavaUtils "
                            + command
                            + " printed "
                            + results.size()
                            + " results, not 2:\n"
                            + output);
        }
        return new ResourceParams(split(results.get(0)), split(results.get(1)));
    }

    private static List<String> split(String words) {
        return words.isBlank() ? List.of() : List.of(words.split("\\s+"));
    }

    private void startJobManager() throws IOException {
        ResourceParams jm = params.get(0);
        launch("jobmanager", jm.jvmParams(), JOB_MANAGER, jm.dynamicConfigs());
    }

    /** Starts one more TaskManager (one slot); returns its index for {@link #killTaskManager}. */
    public synchronized int startTaskManager() throws IOException {
        ResourceParams tm = params.get(1);
        String name = "taskmanager-" + (++taskManagersStarted);
        launch(name, tm.jvmParams(), TASK_MANAGER, tm.dynamicConfigs());
        taskManagers.add(name);
        return taskManagers.size() - 1;
    }

    /**
     * kill -9 of the TaskManager process (SIGKILL on Linux): no shutdown hook, no goodbye to the
     * JobManager.
     */
    public synchronized void killTaskManager(int index) throws InterruptedException {
        String name = taskManagers.get(index);
        Process process = daemons.remove(name);
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") did not die");
        }
        processes.remove(name);
    }

    private void launch(
            String name, List<String> jvmParams, String mainClass, List<String> dynamicConfigs)
            throws IOException {
        List<String> jvm = new ArrayList<>(jvmParams);
        jvm.add("-Dlog.file=" + logDir.resolve(name + ".log"));
        jvm.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(dynamicConfigs);
        Process process =
                new ProcessBuilder(command(jvm, mainClass, args))
                        .redirectErrorStream(true)
                        .redirectOutput(logDir.resolve(name + ".out").toFile())
                        .start();
        processes.put(name, process);
        daemons.put(name, process);
    }

    private List<String> command(List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(ADD_OPENS);
        command.add("-cp");
        command.add(classpath.toString());
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * Runs a short-lived JVM on Flink's classpath to its end; returns its output, or fails if it
     * does.
     */
    private String run(
            String name,
            Duration timeout,
            List<String> jvmOptions,
            String mainClass,
            List<String> args)
            throws IOException {
        Path out = logDir.resolve(name + ".out");
        ProcessBuilder builder =
                new ProcessBuilder(command(jvmOptions, mainClass, args))
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile());
        builder.environment().put("FLINK_CONF_DIR", confDir.toString());
        Process process = builder.start();
        processes.put(name, process);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(
                        name + " did not end within " + timeout + ":\n" + read(out));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            stop(process);
            processes.remove(name);
        }
        String output = read(out);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    name + " exited with " + process.exitValue() + ":\n" + output);
        }
        return output;
    }

    /**
     * {@code flink run -d -m localhost:REST -p PARALLELISM JAR ARGS...}: submits the job with
     * Flink's own client (in a JVM of its own, its configuration directory this cluster's) and
     * returns the job id it prints.
     */
    public String submit(Path jar, int parallelism, List<String> programArgs) throws IOException {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                "-d",
                                "-m",
                                "localhost:" + restPort,
                                "-p",
                                String.valueOf(parallelism),
                                jar.toAbsolutePath().toString()));
        args.addAll(programArgs);
        String output = cli("run", args);
        Matcher id = JOB_ID.matcher(output);
        if (!id.find()) {
            throw new IllegalStateException("flink run printed no JobID:\n" + output);
        }
        return id.group(1);
    }

    /** {@code flink cancel -m localhost:REST JOBID}. */
    public void cancel(String jobId) throws IOException {
        cli("cancel", List.of("cancel", "-m", "localhost:" + restPort, jobId));
    }

    private String cli(String action, List<String> args) throws IOException {
        String name = "cli-" + action + "-" + (++cliRuns);
        List<String> jvm = new ArrayList<>(SHORT_LIVED);
        jvm.add("-Dlog.file=" + logDir.resolve(name + ".log"));
        jvm.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        return run(name, Duration.ofSeconds(90), jvm, CLI, args);
    }

    /** Waits until exactly {@code count} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count, Duration atMost) {
        await("" + count + " TaskManagers registered")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> taskManagerCount() == count);
    }

    public int taskManagerCount() throws IOException {
        return get("/taskmanagers").path("taskmanagers").size();
    }

    /** Free slots over all registered TaskManagers. */
    public int freeSlots() throws IOException {
        return get("/overview").path("slots-available").asInt(-1);
    }

    /** The job's state as the REST API reports it: RUNNING, RESTARTING, CANCELED, ... */
    public String jobState(String jobId) throws IOException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Whether the job and every one of its tasks are running. */
    public boolean allTasksRunning(String jobId) throws IOException {
        JsonNode job = get("/jobs/" + jobId);
        if (!job.path("state").asText().equals("RUNNING")) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (!vertex.path("status").asText().equals("RUNNING")) {
                return false;
            }
        }
        return true;
    }

    /**
     * The checkpoint counters of the job: {@code completed}, {@code restored}, {@code failed}, ...
     */
    public JsonNode checkpointCounts(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/checkpoints").path("counts");
    }

    /** The checkpoint settings the job runs with: {@code interval} (ms), {@code mode}, ... */
    public JsonNode checkpointConfig(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/checkpoints/config");
    }

    private JsonNode get(String path) throws IOException {
        assertRunning();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://localhost:" + restPort + path))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build();
        try {
            HttpResponse<String> response =
                    http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(
                        "GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
            }
            return json.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /**
     * Fails (not to be waited out) if the JobManager or a TaskManager not killed on purpose has
     * ended.
     */
    private void assertRunning() {
        daemons.forEach(
                (name, process) -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(
                                name
                                        + " exited with "
                                        + process.exitValue()
                                        + "; its output:\n"
                                        + tail(logDir.resolve(name + ".out"))
                                        + "\nthe end of "
                                        + logDir.resolve(name + ".log")
                                        + ":\n"
                                        + tail(logDir.resolve(name + ".log")));
                    }
                });
    }

    public Path logDir() {
        return logDir;
    }

    /** Kills every process this started and waits until each is gone. */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs killAll again, harmlessly
        }
    }

    private synchronized void killAll() {
        daemons.clear();
        List<Process> all = new ArrayList<>(processes.values());
        all.forEach(Process::destroyForcibly);
        all.forEach(StandaloneCluster::stop);
        processes.clear();
    }

    private static void stop(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path file) {
        List<String> lines = read(file).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
