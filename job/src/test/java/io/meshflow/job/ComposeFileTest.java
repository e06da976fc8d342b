package io.meshflow.job;

import io.meshflow.job.DockerFiles.Mount;
import io.meshflow.job.config.JobSettings;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.meshflow.job.DockerFiles.BUILD_OUTPUT;
import static io.meshflow.job.DockerFiles.COMPOSE;
import static io.meshflow.job.DockerFiles.FLINK_CONFIG_DIR;
import static io.meshflow.job.DockerFiles.FLINK_SERVICES;
import static io.meshflow.job.DockerFiles.SCHEMA;
import static io.meshflow.job.DockerFiles.env;
import static io.meshflow.job.DockerFiles.load;
import static io.meshflow.job.DockerFiles.map;
import static io.meshflow.job.DockerFiles.mounts;
import static io.meshflow.job.DockerFiles.service;
import static io.meshflow.job.DockerFiles.services;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker/compose.yaml} checked without a Docker engine: it parses, its services, volumes and
 * mounts refer to each other and to files that exist, and its Flink is the one the job is built
 * for. Where an engine exists, {@code docker compose config --quiet} is the syntax check.
 */
class ComposeFileTest {

    @Test
    void composeHasEveryService() {
        assertThat(services())
                .containsKeys(
                        "kafka", "postgres", "jobmanager", "taskmanager", "submit", "grafana");
    }

    @Test
    void everyImageIsOfficialAndPinned() {
        services()
                .forEach(
                        (name, service) -> {
                            assertThat(service)
                                    .as(name + " is built from an image, not a Dockerfile")
                                    .doesNotContainKey("build");
                            assertThat(String.valueOf(service.get("image")))
                                    .as(name + ": image")
                                    .matches(
                                            "(flink|postgres|eclipse-temurin|apache/kafka|grafana/grafana):[0-9][\\w.-]*");
                        });
    }

    @Test
    void flinkServicesRunTheFlinkVersionTheJobIsBuiltFor() throws IOException {
        Matcher version =
                Pattern.compile("<flink\\.version>(\\d+)\\.(\\d+)\\.\\d+</flink\\.version>")
                        .matcher(Files.readString(Path.of("..", "pom.xml")));
        assertThat(version.find()).as("flink.version in pom.xml").isTrue();
        assertThat(version.group(1)).isEqualTo("2");
        String majorMinor = version.group(1) + "." + version.group(2);
        for (String name : FLINK_SERVICES) {
            assertThat(String.valueOf(service(name).get("image")))
                    .as(name)
                    .matches("flink:" + Pattern.quote(majorMinor) + "(\\.\\d+)?-java17");
        }
        // the client that submits and the cluster are the same build
        assertThat(service("taskmanager").get("image"))
                .isEqualTo(service("jobmanager").get("image"))
                .isEqualTo(service("submit").get("image"));
    }

    @Test
    void postgresRunsTheSchemaWhenItsVolumeIsNew() {
        Map<String, Object> postgres = service("postgres");
        List<Mount> initScripts =
                mounts(postgres).stream()
                        .filter(m -> m.target().startsWith("/docker-entrypoint-initdb.d/"))
                        .toList();
        assertThat(initScripts)
                .anySatisfy(m -> assertThat(m.hostPath()).isEqualTo(SCHEMA.normalize()));
        for (Mount script : initScripts) {
            assertThat(script.target())
                    .as("the image runs *.sql and *.sh init scripts")
                    .matches(".*\\.(sql|sh)");
            assertThat(script.readOnly()).as(script.target()).isTrue();
        }
        // in name order: the schema first, then what grants on its tables
        assertThat(initScripts.stream().map(Mount::target).sorted().findFirst())
                .hasValueSatisfying(first -> assertThat(first).endsWith("schema-postgres.sql"));
        assertThat(String.valueOf(postgres.get("healthcheck"))).contains("pg_isready");
    }

    /**
     * Every relative bind mount's source exists relative to docker/, except what the build makes
     * under job/target: those must be read-only long-syntax binds that do not create a missing
     * source (short syntax would make a root-owned directory where the jar should be). Named
     * volumes are declared.
     */
    @Test
    void everyMountSourceExists() {
        Set<String> declaredVolumes = map(load(COMPOSE).get("volumes")).keySet();
        List<String> problems = new ArrayList<>();
        services()
                .forEach(
                        (name, service) -> {
                            for (Mount mount : mounts(service)) {
                                String what =
                                        name + ": " + mount.source() + " -> " + mount.target();
                                if (mount.named()) {
                                    if (!declaredVolumes.contains(mount.source())) {
                                        problems.add(what + ": volume not declared under volumes:");
                                    }
                                } else if (!mount.source().startsWith(".")) {
                                    problems.add(
                                            what + ": bind sources must be relative to docker/");
                                } else if (mount.hostPath().startsWith(BUILD_OUTPUT)) {
                                    if (!mount.longSyntax()
                                            || !Boolean.FALSE.equals(mount.createHostPath())) {
                                        problems.add(
                                                what
                                                        + ": needs type: bind with bind.create_host_path: false");
                                    }
                                    if (!mount.readOnly()) {
                                        problems.add(what + ": should be read-only");
                                    }
                                } else if (!Files.exists(mount.hostPath())) {
                                    problems.add(
                                            what + ": " + mount.hostPath() + " does not exist");
                                }
                            }
                        });
        assertThat(problems).isEmpty();
    }

    @Test
    void dependenciesNameServices() {
        Set<String> names = services().keySet();
        services()
                .forEach(
                        (name, service) -> {
                            Object dependsOn = service.get("depends_on");
                            Set<String> dependencies = new HashSet<>();
                            if (dependsOn instanceof Map<?, ?> m) {
                                m.keySet().forEach(k -> dependencies.add(String.valueOf(k)));
                            } else if (dependsOn instanceof List<?> l) {
                                l.forEach(k -> dependencies.add(String.valueOf(k)));
                            }
                            assertThat(names).as(name + ": depends_on").containsAll(dependencies);
                        });
    }

    /**
     * Compose interpolates $NAME and ${NAME} in every value; a $ meant for a shell must be written
     * $$.
     */
    @Test
    void everyDollarIsAnInterpolationOrEscaped() throws IOException {
        String text = Files.readString(COMPOSE);
        Matcher dollar =
                Pattern.compile("\\$\\$|\\$\\{[A-Za-z_][A-Za-z0-9_]*(:?[-?][^}]*)?}|\\$")
                        .matcher(text);
        List<String> lone = new ArrayList<>();
        while (dollar.find()) {
            if (dollar.group().equals("$")) {
                int line = text.substring(0, dollar.start()).split("\n", -1).length;
                lone.add("line " + line + ": " + text.split("\n", -1)[line - 1].trim());
            }
        }
        assertThat(lone)
                .as("a $ that compose would interpolate (write $$ for the shell)")
                .isEmpty();
        // the job's password and the database's are one variable, never on the command line
        assertThat(env(service("submit")).get(JobSettings.PASSWORD_ENV))
                .isEqualTo(env(service("postgres")).get("POSTGRES_PASSWORD"))
                .contains("${" + JobSettings.PASSWORD_ENV);
        assertThat(String.valueOf(service("submit").get("command")))
                .doesNotContain("--jdbc.password");
    }

    @Test
    void everyFlinkServiceGetsTheConfigurationAndTheCheckpointVolume() {
        Configuration flink =
                GlobalConfiguration.loadConfiguration(FLINK_CONFIG_DIR.toAbsolutePath().toString());
        String checkpointDir =
                flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY).replaceFirst("^file://", "");
        Path config = FLINK_CONFIG_DIR.resolve("config.yaml").normalize();
        Set<String> checkpointVolumes = new HashSet<>();
        for (String name : FLINK_SERVICES) {
            Map<String, Object> service = service(name);
            Mount mounted =
                    mounts(service).stream()
                            .filter(m -> !m.named() && m.hostPath().equals(config))
                            .findFirst()
                            .orElseThrow(
                                    () -> new AssertionError(name + " does not mount " + config));
            assertThat(mounted.readOnly()).isTrue();
            // the entrypoint wrapper copies the mounted file over the image's conf/config.yaml
            assertThat(String.valueOf(service.get("entrypoint")))
                    .contains("cp " + mounted.target() + " /opt/flink/conf/config.yaml")
                    .contains("exec /docker-entrypoint.sh");
            assertThat(env(service))
                    .containsEntry("JOB_MANAGER_RPC_ADDRESS", flink.get(JobManagerOptions.ADDRESS));
            if (!name.equals("submit")) {
                Mount checkpoints =
                        mounts(service).stream()
                                .filter(m -> m.target().equals(checkpointDir))
                                .findFirst()
                                .orElseThrow(
                                        () ->
                                                new AssertionError(
                                                        name + " does not mount " + checkpointDir));
                assertThat(checkpoints.named())
                        .as("one volume shared by every Flink process")
                        .isTrue();
                checkpointVolumes.add(checkpoints.source());
            }
        }
        assertThat(checkpointVolumes).hasSize(1);
    }
}
