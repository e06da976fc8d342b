package io.meshflow.job.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** Flink's REST API of an embedded run: its checkpoints, as the web UI shows them. */
final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    FlinkRest(int port, String jobId) {
        this.base = "http://localhost:" + port + "/jobs/" + jobId;
    }

    /** A port free now, for the embedded Flink's REST endpoint. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The latest completed checkpoint, or null before the first. */
    JsonNode latestCheckpoint() throws Exception {
        JsonNode latest = get("/checkpoints").path("latest").path("completed");
        return latest.isMissingNode() || latest.isNull() ? null : latest;
    }

    /** Checkpoints that failed so far. */
    long failedCheckpoints() throws Exception {
        return get("/checkpoints").path("counts").path("failed").asLong();
    }

    /** How often the job restarted (a failure, e.g. a failed checkpoint, restarts it). */
    long restarts() throws Exception {
        return get("/metrics?get=numRestarts").path(0).path("value").asLong();
    }

    /** State size of each vertex (operator chain) in checkpoint {@code id}, by the chain's name. */
    Map<String, Long> stateSizeByVertex(long id) throws Exception {
        Map<String, String> names = new LinkedHashMap<>();
        for (JsonNode vertex : get("").path("vertices")) {
            names.put(vertex.path("id").asText(), vertex.path("name").asText());
        }
        Map<String, Long> sizes = new LinkedHashMap<>();
        get("/checkpoints/details/" + id)
                .path("tasks")
                .fields()
                .forEachRemaining(
                        task ->
                                sizes.put(
                                        names.getOrDefault(task.getKey(), task.getKey()),
                                        task.getValue().path("state_size").asLong()));
        return sizes;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
