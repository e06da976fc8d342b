package io.meshflow.job.testing;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.messages.webmonitor.ClusterOverview;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobMessageParameters;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatisticsHeaders;
import org.apache.flink.runtime.rest.messages.job.JobDetailsInfo;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real standalone Flink session cluster on this machine: one JobManager and any number of
 * one-slot TaskManagers, each a JVM of its own started from Flink's jars the way Flink's {@code
 * bin/} scripts start them (memory flags from {@code BashJavaUtils}). Jobs are submitted with
 * Flink's own command line client, and watched and cancelled with its REST client. {@link #close()}
 * kills every process this started.
 */
public final class StandaloneCluster implements AutoCloseable {
    /** For the short-lived JVMs (BashJavaUtils, the client): start fast, on a small machine. */
    private static final List<String> SHORT_LIVED =
            List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    private final ClusterConfig config;
    private final FlinkProcesses processes;
    private final RestClusterClient<StandaloneClusterId> client;
    private final List<String> taskManagers = new ArrayList<>();
    private List<String> taskManagerFlags;

    private StandaloneCluster(ClusterConfig config, FlinkProcesses processes) throws Exception {
        this.config = config;
        this.processes = processes;
        this.client = new RestClusterClient<>(config.client(), StandaloneClusterId.getInstance());
    }

    /**
     * Starts the JobManager and {@code taskManagers} TaskManagers; returns at once ({@link
     * #awaitTaskManagers} waits until they are registered). {@code extraConfig} adds to, or
     * overrides, {@link ClusterConfig}'s configuration.
     */
    public static StandaloneCluster start(
            Path lib, Path workDir, Path logDir, int taskManagers, Map<String, String> extraConfig)
            throws Exception {
        ClusterConfig config = ClusterConfig.write(workDir, extraConfig);
        FlinkProcesses processes = new FlinkProcesses(lib, config, logDir);
        try {
            StandaloneCluster cluster = new StandaloneCluster(config, processes);
            cluster.taskManagerFlags = cluster.resourceFlags("GET_TM_RESOURCE_PARAMS");
            cluster.launch(
                    "jobmanager",
                    "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                    cluster.resourceFlags("GET_JM_RESOURCE_PARAMS"));
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            return cluster;
        } catch (Exception | Error e) {
            processes.close();
            throw e;
        }
    }

    /**
     * What Flink's scripts get from BashJavaUtils: JVM flags, then the entry point's arguments (its
     * configuration folder and dynamic properties).
     */
    private List<String> resourceFlags(String command) throws Exception {
        List<String> results =
                processes
                        .runToEnd(
                                "bash-java-utils-" + command,
                                SHORT_LIVED,
                                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                                List.of(command, "--configDir", config.dir().toString()))
                        .lines()
                        .filter(line -> line.startsWith(RESULT_PREFIX))
                        .map(line -> line.substring(RESULT_PREFIX.length()).strip())
                        .toList();
        if (results.size() != 2) {
            throw new IllegalStateException("BashJavaUtils " + command + " printed " + results);
        }
        List<String> flags = new ArrayList<>(words(results.get(0)));
        flags.addAll(List.of("--configDir", config.dir().toString()));
        flags.addAll(words(results.get(1)));
        return flags;
    }

    private static List<String> words(String words) {
        return words.isBlank() ? List.of() : List.of(words.split("\\s+"));
    }

    private void launch(String name, String mainClass, List<String> flags) throws Exception {
        int args = flags.indexOf("--configDir");
        processes.startDaemon(
                name, flags.subList(0, args), mainClass, flags.subList(args, flags.size()));
    }

    /** Starts one more TaskManager; returns its index for {@link #killTaskManager}. */
    public synchronized int startTaskManager() throws Exception {
        String name = "taskmanager-" + (taskManagers.size() + 1);
        launch(name, "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", taskManagerFlags);
        taskManagers.add(name);
        return taskManagers.size() - 1;
    }

    /** kill -9 of the TaskManager's JVM. */
    public synchronized void killTaskManager(int index) {
        processes.kill(taskManagers.get(index));
    }

    /**
     * {@code flink run -d -m localhost:REST -p PARALLELISM JAR ARGS...}: Flink's own client, in a
     * JVM of its own with this cluster's configuration folder. Returns the job id it prints.
     */
    public JobID submit(Path jar, int parallelism, List<String> programArgs) throws Exception {
        List<String> args =
                new ArrayList<>(List.of("run", "-d", "-m", "localhost:" + config.restPort()));
        args.addAll(List.of("-p", String.valueOf(parallelism), jar.toAbsolutePath().toString()));
        args.addAll(programArgs);
        String output =
                processes.runToEnd(
                        "cli-run", SHORT_LIVED, "org.apache.flink.client.cli.CliFrontend", args);
        Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(output);
        if (!id.find()) {
            throw new IllegalStateException("flink run printed no JobID:\n" + output);
        }
        return JobID.fromHexString(id.group(1));
    }

    public void cancel(JobID job) throws Exception {
        call(c -> c.cancel(job));
    }

    /** Waits until exactly {@code count} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count, Duration atMost) {
        await(count + " TaskManagers registered")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e -> !(e instanceof IllegalStateException))
                .until(() -> overview().getNumTaskManagersConnected() == count);
    }

    /** TaskManagers and slots. */
    public ClusterOverview overview() throws Exception {
        return call(RestClusterClient::getClusterOverview);
    }

    public JobStatus jobStatus(JobID job) throws Exception {
        return call(c -> c.getJobStatus(job));
    }

    /** Whether the job and every one of its tasks are running. */
    public boolean allTasksRunning(JobID job) throws Exception {
        JobDetailsInfo details = call(c -> c.getJobDetails(job));
        return details.getJobStatus() == JobStatus.RUNNING
                && details.getJobVertexInfos().stream()
                        .allMatch(v -> v.getExecutionState() == ExecutionState.RUNNING);
    }

    /** The job's checkpoint counters: completed, restored, failed, ... */
    public CheckpointingStatistics.Counts checkpointCounts(JobID job) throws Exception {
        JobMessageParameters parameters = new JobMessageParameters();
        parameters.jobPathParameter.resolve(job);
        CheckpointingStatistics statistics =
                call(
                        c ->
                                c.sendRequest(
                                        CheckpointingStatisticsHeaders.getInstance(),
                                        parameters,
                                        EmptyRequestBody.getInstance()));
        return statistics.getCounts();
    }

    /**
     * The checkpoint interval (ms) the job runs with. Flink's REST client reads the checkpoint
     * settings into a class without getters, so this one asks the REST endpoint itself.
     */
    public long checkpointInterval(JobID job) throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(
                                        client.getWebInterfaceURL()
                                                + "/jobs/"
                                                + job
                                                + "/checkpoints/config"))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build();
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body()).path("interval").asLong();
    }

    public Path logDir() {
        return processes.logDir();
    }

    /** Asks the REST API, after checking that no process has died unasked. */
    private <T> T call(
            Function<RestClusterClient<StandaloneClusterId>, CompletableFuture<T>> request)
            throws Exception {
        processes.assertDaemonsRunning();
        return request.apply(client).get(10, TimeUnit.SECONDS);
    }

    /** Kills every process this started and waits until each is gone. */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            processes.close();
        }
    }
}
