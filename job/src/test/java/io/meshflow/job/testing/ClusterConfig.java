package io.meshflow.job.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The configuration folder of the standalone test cluster: {@code config.yaml} (everything on
 * localhost, free ports, one slot per TaskManager, failures noticed within seconds) and a {@code
 * log4j.properties} that logs each process to its {@code log.file}.
 */
record ClusterConfig(Path dir, int restPort) {

    static ClusterConfig write(Path workDir, Map<String, String> extra) throws IOException {
        Path work = workDir.toAbsolutePath();
        ClusterConfig config =
                new ClusterConfig(Files.createDirectories(work.resolve("conf")), freePort());
        Map<String, String> yaml = new LinkedHashMap<>();
        yaml.put("jobmanager.rpc.address", "localhost");
        yaml.put("jobmanager.rpc.port", String.valueOf(freePort()));
        yaml.put("jobmanager.bind-host", "localhost");
        yaml.put("rest.address", "localhost");
        yaml.put("rest.bind-address", "localhost");
        yaml.put("rest.port", String.valueOf(config.restPort()));
        yaml.put("taskmanager.host", "localhost");
        yaml.put("taskmanager.bind-host", "localhost");
        yaml.put("taskmanager.numberOfTaskSlots", "1");
        yaml.put("jobmanager.memory.process.size", "1024m");
        yaml.put("taskmanager.memory.process.size", "1024m");
        // the hashmap state backend keeps state on the task heap, not in managed memory: give the
        // heap the room
        yaml.put("taskmanager.memory.managed.size", "64m");
        yaml.put("execution.checkpointing.dir", work.resolve("checkpoints").toUri().toString());
        yaml.put("restart-strategy.type", "fixed-delay");
        yaml.put("restart-strategy.fixed-delay.attempts", "1000");
        yaml.put("restart-strategy.fixed-delay.delay", "1 s");
        // a killed TaskManager is noticed within seconds, not Flink's default 50 s
        yaml.put("heartbeat.interval", "1000");
        yaml.put("heartbeat.timeout", "5000");
        yaml.put("io.tmp.dirs", Files.createDirectories(work.resolve("tmp")).toString());
        yaml.put("web.tmpdir", Files.createDirectories(work.resolve("web")).toString());
        yaml.putAll(extra);
        StringBuilder text = new StringBuilder();
        yaml.forEach((key, value) -> text.append(key).append(": \"").append(value).append("\"\n"));
        Files.writeString(config.dir().resolve("config.yaml"), text);
        Files.writeString(
                config.log4j(),
                """
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = File
                appender.file.name = File
                appender.file.type = File
                appender.file.append = false
                appender.file.fileName = ${sys:log.file}
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %t %c{1} - %m%n
                logger.kafka.name = org.apache.kafka
                logger.kafka.level = WARN
                """);
        return config;
    }

    Path log4j() {
        return dir.resolve("log4j.properties");
    }

    /**
     * For a REST client of the cluster: a call fails at once while nothing listens, so that a
     * caller's wait, not the client's retries, decides how long to wait.
     */
    Configuration client() {
        Configuration client = new Configuration();
        client.set(RestOptions.ADDRESS, "localhost");
        client.set(RestOptions.PORT, restPort);
        client.set(RestOptions.RETRY_MAX_ATTEMPTS, 0);
        return client;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
