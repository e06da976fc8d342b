package io.meshflow.job;

import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment in {@code docker/} as the tests read it (working directory {@code job/}): paths,
 * and just the YAML reading they need. JSON is YAML too, so the dashboard loads the same way.
 */
final class DockerFiles {
    static final Path DOCKER = Path.of("..", "docker");
    static final Path COMPOSE = DOCKER.resolve("compose.yaml");
    static final Path FLINK_CONFIG_DIR = DOCKER.resolve("flink");
    static final Path DATASOURCES =
            DOCKER.resolve("grafana/provisioning/datasources/postgres.yaml");
    static final Path DASHBOARD_PROVIDERS =
            DOCKER.resolve("grafana/provisioning/dashboards/dashboards.yaml");
    static final Path DASHBOARD = DOCKER.resolve("grafana/dashboards/meshflow.json");
    static final Path SCHEMA = Path.of("..", "sql", "schema-postgres.sql");

    /** Built by {@code ./mvnw package}: mounts from here may not exist yet. */
    static final Path BUILD_OUTPUT = Path.of("..", "job", "target").normalize();

    static final List<String> FLINK_SERVICES = List.of("jobmanager", "taskmanager", "submit");

    private DockerFiles() {}

    static Map<String, Object> load(Path file) {
        assertThat(file).exists();
        try (Reader reader = Files.newBufferedReader(file)) {
            return map(new Yaml().load(reader));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Map<String, Object>> services() {
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        map(load(COMPOSE).get("services")).forEach((name, s) -> services.put(name, map(s)));
        return services;
    }

    static Map<String, Object> service(String name) {
        Map<String, Object> service = services().get(name);
        assertThat(service).as("service " + name).isNotNull();
        return service;
    }

    /** The environment, map or KEY=value list, values as written (before interpolation). */
    static Map<String, String> env(Map<String, Object> service) {
        Map<String, String> env = new HashMap<>();
        Object environment = service.get("environment");
        if (environment instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (environment instanceof List<?> l) {
            for (Object entry : l) {
                String[] kv = String.valueOf(entry).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : null);
            }
        }
        return env;
    }

    /** One volume of a service: a named volume or a bind mount, short or long syntax. */
    record Mount(
            String source,
            String target,
            boolean readOnly,
            boolean longSyntax,
            Boolean createHostPath) {
        boolean named() {
            return !source.startsWith(".") && !source.startsWith("/") && !source.startsWith("~");
        }

        /** Compose resolves a relative bind source against the compose file's folder. */
        Path hostPath() {
            return DOCKER.resolve(source).normalize();
        }
    }

    static List<Mount> mounts(Map<String, Object> service) {
        List<Mount> mounts = new ArrayList<>();
        for (Object volume : list(service.getOrDefault("volumes", List.of()))) {
            if (volume instanceof String s) {
                String[] parts = s.split(":");
                assertThat(parts.length).as("volume " + s).isBetween(2, 3);
                boolean readOnly = parts.length == 3 && parts[2].contains("ro");
                mounts.add(new Mount(parts[0], parts[1], readOnly, false, null));
            } else {
                Map<String, Object> v = map(volume);
                Object bind = v.get("bind");
                Object create = bind == null ? null : map(bind).get("create_host_path");
                mounts.add(
                        new Mount(
                                String.valueOf(v.get("source")),
                                String.valueOf(v.get("target")),
                                Boolean.TRUE.equals(v.get("read_only")),
                                true,
                                (Boolean) create));
            }
        }
        return mounts;
    }

    /** Every panel of the dashboard, those nested in rows too. */
    static List<Map<String, Object>> panels() {
        List<Map<String, Object>> panels = new ArrayList<>();
        for (Object panel : list(load(DASHBOARD).get("panels"))) {
            panels.add(map(panel));
            list(map(panel).getOrDefault("panels", List.of())).forEach(p -> panels.add(map(p)));
        }
        return panels;
    }

    static List<Map<String, Object>> targets(Map<String, Object> panel) {
        return list(panel.getOrDefault("targets", List.of())).stream()
                .map(DockerFiles::map)
                .toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        Map<String, Object> m = new LinkedHashMap<>();
        ((Map<Object, Object>) o).forEach((k, v) -> m.put(String.valueOf(k), v));
        return m;
    }

    static List<?> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<?>) o;
    }
}
