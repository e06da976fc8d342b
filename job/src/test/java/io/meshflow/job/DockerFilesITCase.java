package io.meshflow.job;

import io.meshflow.job.config.JobSettings;
import io.meshflow.job.testing.Postgres;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment in {@code docker/} checked without a Docker engine: the compose file, the Flink
 * configuration, Grafana's provisioning and the dashboard parse, point at each other and at files
 * that exist, use official images, and every SQL query of the dashboard names only tables and
 * columns of {@code sql/schema-postgres.sql} (a static check, {@link SqlNames}) and runs on a real
 * PostgreSQL loaded with that schema. Runs with the working directory {@code job/}.
 */
class DockerFilesITCase {
    private static final Path DOCKER = Path.of("..", "docker");
    private static final Path COMPOSE = DOCKER.resolve("compose.yaml");
    private static final Path FLINK_CONFIG_DIR = DOCKER.resolve("flink");
    private static final Path DATASOURCES =
            DOCKER.resolve("grafana/provisioning/datasources/postgres.yaml");
    private static final Path DASHBOARD_PROVIDERS =
            DOCKER.resolve("grafana/provisioning/dashboards/dashboards.yaml");
    private static final Path DASHBOARD = DOCKER.resolve("grafana/dashboards/meshflow.json");
    private static final Path SCHEMA = Path.of("..", "sql", "schema-postgres.sql");

    /** Built by {@code ./mvnw package}: mounts from here may not exist yet. */
    private static final Path BUILD_OUTPUT = Path.of("..", "job", "target").normalize();

    private static final List<String> FLINK_SERVICES =
            List.of("jobmanager", "taskmanager", "submit");

    // ---------------------------------------------------------------------------------------------- compose.yaml

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
                            String image = string(service.get("image"));
                            assertThat(image)
                                    .as(name + ": image")
                                    .matches(
                                            "(flink|postgres|eclipse-temurin|apache/kafka|grafana/grafana):[0-9][\\w.-]*");
                        });
        assertThat(image("kafka")).startsWith("apache/kafka:4.");
        assertThat(image("postgres")).isEqualTo("postgres:17");
        assertThat(image("grafana")).startsWith("grafana/grafana:11.");
        assertThat(image("producer")).startsWith("eclipse-temurin:17");
    }

    @Test
    void flinkServicesRunTheFlinkVersionTheJobIsBuiltFor() throws IOException {
        Matcher version =
                Pattern.compile("<flink\\.version>(\\d+)\\.(\\d+)\\.\\d+</flink\\.version>")
                        .matcher(Files.readString(Path.of("..", "pom.xml")));
        assertThat(version.find()).as("flink.version in pom.xml").isTrue();
        String majorMinor = version.group(1) + "." + version.group(2);
        assertThat(version.group(1)).isEqualTo("2");
        for (String name : FLINK_SERVICES) {
            assertThat(image(name))
                    .as(name)
                    .matches("flink:" + Pattern.quote(majorMinor) + "(\\.\\d+)?-java17");
        }
        // the client that submits and the cluster are the same build
        assertThat(image("taskmanager")).isEqualTo(image("jobmanager")).isEqualTo(image("submit"));
        assertThat(service("taskmanager"))
                .extractingByKey("deploy")
                .asString()
                .contains("replicas=2");
    }

    @Test
    void postgresRunsTheSchemaWhenItsVolumeIsNew() throws IOException {
        Map<String, Object> postgres = service("postgres");
        assertThat(env(postgres))
                .containsEntry("POSTGRES_DB", "meshflow")
                .containsEntry("POSTGRES_USER", "meshflow")
                .containsKey("POSTGRES_PASSWORD");
        List<Mount> initScripts =
                mounts(postgres).stream()
                        .filter(m -> m.target().startsWith("/docker-entrypoint-initdb.d/"))
                        .toList();
        assertThat(initScripts)
                .anySatisfy(
                        m -> {
                            assertThat(m.hostPath()).isEqualTo(SCHEMA.normalize());
                            assertThat(m.readOnly()).isTrue();
                        });
        for (Mount script : initScripts) {
            assertThat(script.target())
                    .as("the image runs *.sql and *.sh init scripts")
                    .matches(".*\\.(sql|sh)");
            assertThat(script.readOnly()).as(script.target()).isTrue();
        }
        // in name order: the schema first, then what grants on its tables
        List<String> order = initScripts.stream().map(Mount::target).sorted().toList();
        assertThat(order.get(0)).endsWith("schema-postgres.sql");
        assertThat(string(List.of(postgres.get("healthcheck")))).contains("pg_isready");
    }

    /**
     * Every relative bind mount's source exists relative to docker/ (compose resolves them against
     * the compose file's folder), except what the build makes under job/target: those must be
     * long-syntax binds that do not create a missing source (short syntax would make a root-owned
     * directory where the jar should be). Named volumes are declared.
     */
    @Test
    void everyMountSourceExists() {
        Set<String> declaredVolumes = map(compose().get("volumes")).keySet();
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
        Map<String, Map<String, Object>> services = services();
        services.forEach(
                (name, service) -> {
                    Object dependsOn = service.get("depends_on");
                    Set<String> names =
                            dependsOn instanceof Map<?, ?> m
                                    ? stringKeys(m)
                                    : dependsOn instanceof List<?> l
                                            ? new HashSet<>(
                                                    l.stream().map(String::valueOf).toList())
                                            : Set.of();
                    assertThat(services.keySet()).as(name + ": depends_on").containsAll(names);
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
                int line =
                        (int)
                                        text.substring(0, dollar.start())
                                                .chars()
                                                .filter(ch -> ch == '\n')
                                                .count()
                                + 1;
                lone.add("line " + line + ": " + text.split("\n", -1)[line - 1].trim());
            }
        }
        assertThat(lone)
                .as("a $ that compose would interpolate (write $$ for the shell)")
                .isEmpty();
        // the job's password and the database's are one variable
        assertThat(env(service("submit")).get("MESHFLOW_JDBC_PASSWORD"))
                .isEqualTo(env(service("postgres")).get("POSTGRES_PASSWORD"))
                .contains("${MESHFLOW_JDBC_PASSWORD");
    }

    @Test
    void kafkaIsOneKraftNodeWithTheJobsTopic() {
        Map<String, String> env = env(service("kafka"));
        assertThat(env)
                .containsEntry("KAFKA_NODE_ID", "1")
                .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .containsKeys(
                        "KAFKA_LISTENERS",
                        "KAFKA_CONTROLLER_QUORUM_VOTERS",
                        "KAFKA_CONTROLLER_LISTENER_NAMES");
        assertThat(env.get("KAFKA_ADVERTISED_LISTENERS"))
                .contains("//kafka:9092")
                .contains("//localhost:29092");
        assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).isEqualTo("1@kafka:9093");
        // the job refuses to start when its topic is missing: it is created before the job is
        // submitted
        assertThat(commandLine(service("kafka-init")))
                .contains("kafka-topics.sh")
                .contains("--create")
                .contains("--topic mesh-telemetry")
                .contains("--bootstrap-server kafka:9092");
        assertThat(dependencies("submit"))
                .containsEntry("kafka-init", "service_completed_successfully");
    }

    @Test
    void submitRunsTheJarOnTheClusterWithThePasswordFromTheEnvironment() {
        Map<String, Object> submit = service("submit");
        String command = commandLine(submit);
        assertThat(command)
                .contains("flink run -d -m jobmanager:8081 -p 2 /opt/meshflow/meshflow-job.jar")
                .contains("--kafka.bootstrap-servers kafka:9092")
                .contains("--jdbc.url jdbc:postgresql://postgres:5432/meshflow")
                .contains("--jdbc.user meshflow")
                .doesNotContain("--jdbc.password");
        assertThat(env(submit)).containsKey(JobSettings.PASSWORD_ENV);
        assertThat(mounts(submit))
                .anySatisfy(
                        m -> {
                            assertThat(m.target()).isEqualTo("/opt/meshflow/meshflow-job.jar");
                            assertThat(m.hostPath())
                                    .isEqualTo(BUILD_OUTPUT.resolve("meshflow-job.jar"));
                        });
        assertThat(dependencies("submit"))
                .containsEntry("jobmanager", "service_healthy")
                .containsEntry("postgres", "service_healthy");
        assertThat(string(service("jobmanager").get("healthcheck"))).contains("8081");
        assertThat(command).contains("until wget").contains("http://jobmanager:8081/");
    }

    @Test
    void producerSeesTheJarAndItsLibFolder() {
        Map<String, Object> producer = service("producer");
        assertThat(commandLine(producer))
                .contains(
                        "java -jar /opt/meshflow/meshflow-job.jar produce --kafka.bootstrap-servers kafka:9092 --rate 200");
        assertThat(mounts(producer))
                .anySatisfy(
                        m -> {
                            assertThat(m.target()).isEqualTo("/opt/meshflow");
                            assertThat(m.hostPath()).isEqualTo(BUILD_OUTPUT);
                        });
    }

    // ------------------------------------------------------------------------------------------
    // flink/config.yaml

    @Test
    void flinkConfigurationSetsStateCheckpointsAndRestarts() throws IOException {
        Map<String, String> yaml = flatten(load(FLINK_CONFIG_DIR.resolve("config.yaml")));
        assertThat(yaml)
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.interval", "10s")
                .containsEntry("execution.checkpointing.dir", "file:///checkpoints")
                .containsEntry("restart-strategy.type", "exponential-delay")
                .containsEntry("jobmanager.rpc.address", "jobmanager")
                .containsEntry("taskmanager.numberOfTaskSlots", "2")
                .containsEntry("parallelism.default", "2")
                .containsEntry("rest.port", "8081");

        // and Flink reads it so: its own loader, typed options
        Configuration flink =
                GlobalConfiguration.loadConfiguration(FLINK_CONFIG_DIR.toAbsolutePath().toString());
        assertThat(flink.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file:///checkpoints");
        assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        assertThat(flink.get(JobManagerOptions.ADDRESS)).isEqualTo("jobmanager");
        assertThat(flink.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
        assertThat(flink.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(2);
        assertThat(flink.get(RestOptions.PORT)).isEqualTo(8081);
        assertThat(flink.get(RestOptions.BIND_ADDRESS)).isEqualTo("0.0.0.0");
        assertThat(flink.get(JobManagerOptions.BIND_HOST)).isEqualTo("0.0.0.0");
        assertThat(flink.get(TaskManagerOptions.BIND_HOST)).isEqualTo("0.0.0.0");
        // the image's own config.yaml is replaced: what it had for Java 17 and memory must be here
        assertThat(flink.get(CoreOptions.FLINK_JVM_OPTIONS))
                .contains("--add-opens=java.base/java.util=ALL-UNNAMED");
        assertThat(flink.containsKey(TaskManagerOptions.TOTAL_PROCESS_MEMORY.key())).isTrue();
        assertThat(flink.containsKey(JobManagerOptions.TOTAL_PROCESS_MEMORY.key())).isTrue();
    }

    /**
     * A misspelt key is silently ignored by Flink: every key must be one of its options (or a
     * deprecated name).
     */
    @Test
    void everyFlinkConfigurationKeyIsAFlinkOption() throws Exception {
        Set<String> known = new HashSet<>();
        for (Class<?> options :
                List.of(
                        CoreOptions.class,
                        JobManagerOptions.class,
                        TaskManagerOptions.class,
                        RestOptions.class,
                        CheckpointingOptions.class,
                        StateBackendOptions.class,
                        RestartStrategyOptions.class)) {
            for (Field field : options.getFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && ConfigOption.class.isAssignableFrom(field.getType())) {
                    ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                    known.add(option.key());
                    for (FallbackKey fallback : option.fallbackKeys()) {
                        known.add(fallback.getKey());
                    }
                }
            }
        }
        assertThat(flatten(load(FLINK_CONFIG_DIR.resolve("config.yaml"))).keySet())
                .as("keys that are no Flink option")
                .filteredOn(key -> !known.contains(key))
                .isEmpty();
    }

    @Test
    void everyFlinkServiceGetsTheConfigurationAndTheCheckpointVolume() throws IOException {
        String checkpointDir =
                flatten(load(FLINK_CONFIG_DIR.resolve("config.yaml")))
                        .get("execution.checkpointing.dir")
                        .replaceFirst("^file://", "");
        Set<String> checkpointVolumes = new HashSet<>();
        for (String name : FLINK_SERVICES) {
            Map<String, Object> service = service(name);
            List<Mount> mounts = mounts(service);
            Mount config =
                    mounts.stream()
                            .filter(
                                    m ->
                                            !m.named()
                                                    && m.hostPath()
                                                            .equals(
                                                                    FLINK_CONFIG_DIR
                                                                            .resolve("config.yaml")
                                                                            .normalize()))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new AssertionError(
                                                    name + " does not mount flink/config.yaml"));
            assertThat(config.readOnly()).isTrue();
            // the entrypoint wrapper copies the mounted file over the image's conf/config.yaml
            assertThat(commandLine(Map.of("command", service.get("entrypoint"))))
                    .contains("cp " + config.target() + " /opt/flink/conf/config.yaml")
                    .contains("exec /docker-entrypoint.sh");
            assertThat(env(service)).containsEntry("JOB_MANAGER_RPC_ADDRESS", "jobmanager");
            if (!name.equals("submit")) {
                Mount checkpoints =
                        mounts.stream()
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
        assertThat(string(service("jobmanager").get("ports"))).contains(":8081:8081");
    }

    // -----------------------------------------------------------------------------------------
    // grafana/

    @Test
    void theDatasourceIsTheComposePostgres() throws IOException {
        Map<String, Object> datasource = onlyElement(load(DATASOURCES).get("datasources"));
        assertThat(datasource)
                .containsEntry("name", "meshflow")
                .containsEntry("type", "grafana-postgresql-datasource");
        String[] hostPort = string(datasource.get("url")).split(":");
        assertThat(image(hostPort[0]))
                .as("the datasource's host is the postgres service")
                .startsWith("postgres:");
        assertThat(hostPort[1]).isEqualTo("5432");
        Map<String, String> postgresEnv = env(service("postgres"));
        Map<String, Object> jsonData = map(datasource.get("jsonData"));
        assertThat(jsonData)
                .containsEntry("database", postgresEnv.get("POSTGRES_DB"))
                .containsEntry("sslmode", "disable");

        // the user is the owner or a role an init script creates; its password comes from Grafana's
        // environment
        String user = string(datasource.get("user"));
        if (!user.equals(postgresEnv.get("POSTGRES_USER"))) {
            StringBuilder initScripts = new StringBuilder();
            for (Mount m : mounts(service("postgres"))) {
                if (m.target().startsWith("/docker-entrypoint-initdb.d/")) {
                    initScripts.append(Files.readString(m.hostPath()));
                }
            }
            assertThat(initScripts.toString())
                    .as("an init script creates " + user)
                    .containsPattern("CREATE ROLE " + Pattern.quote(user) + " LOGIN");
        }
        String password = string(map(datasource.get("secureJsonData")).get("password"));
        Matcher variable = Pattern.compile("^\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?$").matcher(password);
        assertThat(variable.matches())
                .as("the password is an environment variable, not in the file")
                .isTrue();
        String name = variable.group(1);
        assertThat(env(service("grafana"))).containsKey(name);
        // the role's password as PostgreSQL's init script sets it
        assertThat(env(service("postgres"))).containsEntry(name, env(service("grafana")).get(name));
    }

    @Test
    void provisioningAndDashboardsAreMountedWhereGrafanaReadsThem() throws IOException {
        List<Mount> mounts = mounts(service("grafana"));
        assertThat(mounts)
                .anySatisfy(
                        m -> {
                            assertThat(m.hostPath()).isEqualTo(DATASOURCES.getParent().normalize());
                            assertThat(m.target())
                                    .isEqualTo("/etc/grafana/provisioning/datasources");
                        });
        assertThat(mounts)
                .anySatisfy(
                        m -> {
                            assertThat(m.hostPath())
                                    .isEqualTo(DASHBOARD_PROVIDERS.getParent().normalize());
                            assertThat(m.target())
                                    .isEqualTo("/etc/grafana/provisioning/dashboards");
                        });
        Map<String, Object> provider = onlyElement(load(DASHBOARD_PROVIDERS).get("providers"));
        assertThat(provider).containsEntry("type", "file");
        String path = string(map(provider.get("options")).get("path"));
        assertThat(mounts)
                .as("the provider's folder is the mounted dashboards folder")
                .anySatisfy(
                        m -> {
                            assertThat(m.target()).isEqualTo(path);
                            assertThat(m.hostPath()).isEqualTo(DASHBOARD.getParent().normalize());
                        });
        assertThat(env(service("grafana")).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"))
                .isEqualTo(path + "/" + DASHBOARD.getFileName());
        assertThat(string(service("grafana").get("ports"))).contains(":3000:3000");
    }

    @Test
    void theDashboardHasTheTopologyAndTimeSeriesOfThePostgresDatasource() throws IOException {
        Map<String, Object> dashboard = load(DASHBOARD);
        List<Map<String, Object>> panels = panels(dashboard);
        assertThat(panels).extracting(p -> p.get("type")).contains("nodeGraph", "timeseries");
        String uid = string(onlyElement(load(DATASOURCES).get("datasources")).get("uid"));
        for (Map<String, Object> panel : panels) {
            assertThat(map(panel.get("datasource")))
                    .as(panel.get("title") + ": datasource")
                    .containsEntry("uid", uid);
            for (Map<String, Object> target : targets(panel)) {
                assertThat(map(target.get("datasource"))).containsEntry("uid", uid);
                assertThat(target).containsEntry("rawQuery", true).containsKey("rawSql");
                String format = string(target.get("format"));
                assertThat(format)
                        .isEqualTo(
                                panel.get("type").equals("timeseries") ? "time_series" : "table");
            }
        }
        Map<String, Object> topology =
                panels.stream()
                        .filter(p -> p.get("type").equals("nodeGraph"))
                        .findFirst()
                        .orElseThrow();
        // frames named nodes and edges are what the node graph takes as such
        assertThat(targets(topology))
                .extracting(t -> t.get("refId"))
                .containsExactlyInAnyOrder("nodes", "edges");
        for (Map<String, Object> panel :
                panels.stream().filter(p -> p.get("type").equals("timeseries")).toList()) {
            for (Map<String, Object> target : targets(panel)) {
                assertThat(string(target.get("rawSql")))
                        .as(string(panel.get("title")))
                        .contains("FROM service_metrics")
                        .contains("granularity = 'minute'")
                        .contains("$__timeFilter(bucket_start)");
            }
        }
    }

    /** The static check of {@link SqlNames} on every query of the dashboard. */
    @Test
    void everyDashboardQueryNamesOnlyTablesAndColumnsOfTheSchema() throws IOException {
        Map<String, Set<String>> schema = schema();
        assertThat(schema).containsKeys("service_metrics", "service_edges", "services");
        Map<String, String> queries = dashboardQueries();
        assertThat(queries).isNotEmpty();
        queries.forEach(
                (where, sql) -> assertThat(SqlNames.problems(sql, schema)).as(where).isEmpty());
    }

    /**
     * Each query, with Grafana's macros expanded as its PostgreSQL data source does, runs on a real
     * PostgreSQL (embedded) holding the schema and a small mesh, and returns the columns its panel
     * needs.
     */
    @Test
    void everyDashboardQueryRunsOnPostgresAndGivesItsPanelTheColumnsItNeeds() throws Exception {
        try (Connection c = DriverManager.getConnection(Postgres.newDatabase());
                Statement s = c.createStatement()) {
            s.execute(Files.readString(SCHEMA));
            s.execute(
                    """
                    INSERT INTO services VALUES
                      ('unknown', 'unknown', '2026-01-01 00:30:00', '2026-01-01 00:31:00'),
                      ('frontend', 'mesh', '2026-01-01 00:30:00', '2026-01-01 00:31:00'),
                      ('reviews', 'mesh', '2026-01-01 00:30:00', '2026-01-01 00:31:00'),
                      ('payments', 'external', '2026-01-01 00:30:00', '2026-01-01 00:31:00');
                    INSERT INTO service_metrics VALUES
                      ('minute', '2026-01-01 00:30:00', 'frontend', 100, 2, 1000, 90, 8, 9, 12, 20, 80, 0.97,
                       98, 0, 0, 2, 0),
                      ('minute', '2026-01-01 00:31:00', 'frontend', 50, 0, 500, 40, 8, 9, 12, 20, 30, 1.0,
                       50, 0, 0, 0, 0),
                      ('minute', '2026-01-01 00:30:00', 'reviews', 80, 0, 400, 20, 4, 5, 6, 7, 15, 1.0,
                       80, 0, 0, 0, 0),
                      ('minute', '2026-01-01 00:30:00', 'payments', 10, 10, 100, 10, 10, 10, 10, 10, 10, 0.0,
                       0, 0, 0, 0, 10),
                      ('minute', '2026-01-02 00:30:00', 'outside-the-range', 1, 0, 1, 1, 1, 1, 1, 1, 1, 1.0,
                       1, 0, 0, 0, 0);
                    INSERT INTO service_edges VALUES
                      ('minute', '2026-01-01 00:30:00', 'unknown', 'frontend', 100, 2, 1000, 90, 8, 9, 12, 20, 80,
                       0.97, 98, 0, 0, 2, 0, 0, 0, 100, 0, 0, 0, 0, NULL),
                      ('minute', '2026-01-01 00:30:00', 'frontend', 'reviews', 80, 0, 480, 22, 5, 6, 7, 8, 17,
                       1.0, 80, 0, 0, 0, 0, 80, 0, 0, 1, 80, 480, 400, 1.0),
                      ('minute', '2026-01-01 00:30:00', 'frontend', 'payments', 10, 10, 100, 10, 10, 10, 10, 10,
                       10, 0.0, 0, 0, 0, 0, 10, 0, 10, 0, 0, 0, 0, 0, NULL);
                    """);
            for (Map<String, Object> panel : panels(load(DASHBOARD))) {
                Map<String, List<Map<String, Object>>> frames = new HashMap<>();
                for (Map<String, Object> target : targets(panel)) {
                    String sql =
                            GrafanaMacros.expand(
                                    string(target.get("rawSql")),
                                    "2026-01-01T00:00:00Z",
                                    "2026-01-01T01:00:00Z");
                    List<Map<String, Object>> rows = new ArrayList<>();
                    List<String> labels = new ArrayList<>();
                    try (ResultSet r = s.executeQuery(sql)) {
                        ResultSetMetaData meta = r.getMetaData();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            labels.add(meta.getColumnLabel(i));
                        }
                        if (panel.get("type").equals("timeseries")) {
                            assertThat(labels)
                                    .as(string(panel.get("title")))
                                    .containsExactly("time", "metric", "value");
                            assertThat(meta.getColumnType(1)).isEqualTo(Types.TIMESTAMP);
                        }
                        while (r.next()) {
                            Map<String, Object> row = new LinkedHashMap<>();
                            for (String label : labels) {
                                row.put(label, r.getObject(label));
                            }
                            rows.add(row);
                        }
                    } catch (SQLException e) {
                        throw new AssertionError(
                                panel.get("title")
                                        + " "
                                        + target.get("refId")
                                        + ": "
                                        + e.getMessage()
                                        + "\n"
                                        + sql,
                                e);
                    }
                    assertThat(rows)
                            .as(panel.get("title") + " " + target.get("refId") + " returns rows")
                            .isNotEmpty();
                    frames.put(string(target.get("refId")), rows);
                }
                if (panel.get("type").equals("timeseries")) {
                    assertThat(frames.get("A"))
                            .extracting(row -> row.get("metric"))
                            .containsOnly("frontend", "reviews", "payments");
                }
                if (panel.get("type").equals("nodeGraph")) {
                    checkNodeGraphFrames(frames.get("nodes"), frames.get("edges"));
                }
            }
        }
    }

    /** The node graph fails on an edge whose end is not a node; arcs must add up to 1. */
    private static void checkNodeGraphFrames(
            List<Map<String, Object>> nodes, List<Map<String, Object>> edges) {
        assertThat(nodes.get(0)).containsKeys("id", "title", "mainstat");
        assertThat(edges.get(0)).containsKeys("id", "source", "target", "mainstat");
        Set<Object> ids = new HashSet<>();
        for (Map<String, Object> node : nodes) {
            assertThat(ids.add(node.get("id")))
                    .as("node ids are unique: " + node.get("id"))
                    .isTrue();
            double arcs =
                    node.entrySet().stream()
                            .filter(e -> e.getKey().startsWith("arc__"))
                            .mapToDouble(e -> ((Number) e.getValue()).doubleValue())
                            .sum();
            assertThat(arcs)
                    .as(node.get("id") + ": arcs")
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        }
        Set<Object> edgeIds = new HashSet<>();
        for (Map<String, Object> edge : edges) {
            assertThat(edgeIds.add(edge.get("id"))).as("edge ids are unique").isTrue();
            assertThat(ids)
                    .as("both ends of " + edge.get("id") + " are nodes")
                    .contains(edge.get("source"), edge.get("target"));
        }
        assertThat(edges).hasSize(3);
        assertThat(ids).containsExactlyInAnyOrder("unknown", "frontend", "reviews", "payments");
    }

    // ------------------------------------------------------------------------- the static SQL
    // check, checked

    @Test
    void theSqlCheckAcceptsGoodQueries() throws IOException {
        Map<String, Set<String>> schema = schema();
        assertThat(
                        SqlNames.problems(
                                """
                SELECT e.source_service, s.kind, SUM(e.calls) AS calls -- p99ms in a comment is no name
                FROM service_edges e JOIN services s ON s.service = e.dest_service
                WHERE e.granularity = 'p99ms in a string is no name' AND $__timeFilter(e.bucket_start)
                GROUP BY e.source_service, s.kind ORDER BY calls DESC""",
                                schema))
                .isEmpty();
        assertThat(
                        SqlNames.problems(
                                "SELECT t.service, t.n FROM (SELECT service, COUNT(*) AS n FROM service_metrics GROUP BY service) t",
                                schema))
                .isEmpty();
    }

    @Test
    void theSqlCheckFindsMisspeltAndMisplacedNames() throws IOException {
        Map<String, Set<String>> schema = schema();
        assertThat(SqlNames.problems("SELECT service, p99ms FROM service_metrics", schema))
                .singleElement()
                .asString()
                .contains("p99ms");
        assertThat(SqlNames.problems("SELECT service FROM service_metric", schema))
                .anySatisfy(p -> assertThat(p).contains("unknown table service_metric"));
        assertThat(SqlNames.problems("SELECT dest_service, calls FROM service_metrics", schema))
                .singleElement()
                .asString()
                .contains("dest_service");
        assertThat(SqlNames.problems("SELECT e.service FROM service_edges e", schema))
                .singleElement()
                .asString()
                .contains("e.service");
        assertThat(SqlNames.problems("SELECT x.calls FROM service_edges e", schema))
                .singleElement()
                .asString()
                .contains("x.calls");
    }

    /**
     * A typo put into a copy of the dashboard's real queries is caught, by the static check and by
     * PostgreSQL.
     */
    @Test
    void aTypoInACopyOfTheDashboardIsCaught() throws Exception {
        Map<String, Set<String>> schema = schema();
        Map<String, String> queries = dashboardQueries();
        String nodes =
                queries.entrySet().stream()
                        .filter(e -> e.getKey().endsWith("/nodes"))
                        .findFirst()
                        .orElseThrow()
                        .getValue();
        assertThat(nodes).contains("p99_ms");
        assertThat(SqlNames.problems(nodes.replace("p99_ms", "p99ms"), schema))
                .anySatisfy(p -> assertThat(p).contains("p99ms"));
        assertThat(
                        SqlNames.problems(
                                nodes.replace("FROM service_metrics", "FROM service_metric"),
                                schema))
                .anySatisfy(p -> assertThat(p).contains("service_metric"));
        for (String sql : queries.values()) {
            assertThat(SqlNames.problems(sql.replace("bucket_start", "bucket_begin"), schema))
                    .isNotEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** table -> its columns, from the CREATE TABLE statements of sql/schema-postgres.sql. */
    static Map<String, Set<String>> schema() throws IOException {
        Map<String, Set<String>> tables = new TreeMap<>();
        Matcher table =
                Pattern.compile(
                                "CREATE TABLE(?: IF NOT EXISTS)?\\s+(\\w+)\\s*\\((.*?)\\n\\);",
                                Pattern.DOTALL | Pattern.CASE_INSENSITIVE)
                        .matcher(Files.readString(SCHEMA));
        while (table.find()) {
            Set<String> columns = new HashSet<>();
            for (String line : table.group(2).split("\n")) {
                String[] words = line.trim().split("\\s+");
                String first = words[0].toLowerCase(Locale.ROOT);
                if (!first.isEmpty()
                        && !first.startsWith("--")
                        && !Set.of("primary", "unique", "constraint", "foreign", "check")
                                .contains(first)) {
                    columns.add(first);
                }
            }
            tables.put(table.group(1).toLowerCase(Locale.ROOT), columns);
        }
        return tables;
    }

    /**
     * "panel title/refId" -> rawSql, for every target of every panel, and every SQL template
     * variable.
     */
    private static Map<String, String> dashboardQueries() throws IOException {
        Map<String, Object> dashboard = load(DASHBOARD);
        Map<String, String> queries = new LinkedHashMap<>();
        for (Map<String, Object> panel : panels(dashboard)) {
            for (Map<String, Object> target : targets(panel)) {
                queries.put(
                        panel.get("title") + "/" + target.get("refId"),
                        string(target.get("rawSql")));
            }
        }
        Object templating = dashboard.get("templating");
        if (templating != null) {
            for (Object variable : list(map(templating).get("list"))) {
                Map<String, Object> v = map(variable);
                if ("query".equals(v.get("type")) && v.get("query") instanceof String sql) {
                    queries.put("variable " + v.get("name"), sql);
                }
            }
        }
        return queries;
    }

    private static List<Map<String, Object>> panels(Map<String, Object> dashboard) {
        List<Map<String, Object>> panels = new ArrayList<>();
        for (Object panel : list(dashboard.get("panels"))) {
            panels.add(map(panel));
            Object nested = map(panel).get("panels"); // rows may hold panels
            if (nested != null) {
                list(nested).forEach(p -> panels.add(map(p)));
            }
        }
        return panels;
    }

    private static List<Map<String, Object>> targets(Map<String, Object> panel) {
        Object targets = panel.get("targets");
        return targets == null
                ? List.of()
                : list(targets).stream().map(DockerFilesITCase::map).toList();
    }

    private static Map<String, Object> compose() {
        try {
            return load(COMPOSE);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Map<String, Object>> services() {
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        map(compose().get("services")).forEach((name, service) -> services.put(name, map(service)));
        return services;
    }

    private static Map<String, Object> service(String name) {
        Map<String, Object> service = services().get(name);
        assertThat(service).as("service " + name).isNotNull();
        return service;
    }

    private static String image(String service) {
        return string(service(service).get("image"));
    }

    /** service -> condition. */
    private static Map<String, String> dependencies(String service) {
        Map<String, String> conditions = new HashMap<>();
        map(service(service).get("depends_on"))
                .forEach((k, v) -> conditions.put(k, string(map(v).get("condition"))));
        return conditions;
    }

    /**
     * The environment, either form (map or KEY=value list), values as written (before
     * interpolation).
     */
    private static Map<String, String> env(Map<String, Object> service) {
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

    /** The command (a list or a string) as one line, continuation backslashes removed. */
    private static String commandLine(Map<String, Object> service) {
        Object command = service.get("command");
        String line =
                command instanceof List<?> l
                        ? String.join(" ", l.stream().map(String::valueOf).toList())
                        : String.valueOf(command);
        return line.replaceAll("\\\\\\n", " ").replaceAll("\\s+", " ");
    }

    /**
     * One volume of a service: a named volume or a bind mount, from the short or the long syntax.
     */
    record Mount(
            String source,
            String target,
            boolean readOnly,
            boolean longSyntax,
            Boolean createHostPath) {
        boolean named() {
            return !source.startsWith(".") && !source.startsWith("/") && !source.startsWith("~");
        }

        /**
         * The bind source on the host: compose resolves relative paths against the compose file's
         * folder.
         */
        Path hostPath() {
            return DOCKER.resolve(source).normalize();
        }
    }

    private static List<Mount> mounts(Map<String, Object> service) {
        List<Mount> mounts = new ArrayList<>();
        Object volumes = service.get("volumes");
        if (volumes == null) {
            return mounts;
        }
        for (Object volume : list(volumes)) {
            if (volume instanceof String s) {
                String[] parts = s.split(":");
                assertThat(parts.length).as("volume " + s).isBetween(2, 3);
                mounts.add(
                        new Mount(
                                parts[0],
                                parts[1],
                                parts.length == 3 && parts[2].contains("ro"),
                                false,
                                null));
            } else {
                Map<String, Object> v = map(volume);
                Object bind = v.get("bind");
                Object create = bind == null ? null : map(bind).get("create_host_path");
                mounts.add(
                        new Mount(
                                string(v.get("source")),
                                string(v.get("target")),
                                Boolean.TRUE.equals(v.get("read_only")),
                                true,
                                (Boolean) create));
            }
        }
        return mounts;
    }

    /** Parses YAML, and JSON, which is YAML too. */
    static Map<String, Object> load(Path file) throws IOException {
        assertThat(file).exists();
        try (Reader reader = Files.newBufferedReader(file)) {
            Object document = new Yaml().load(reader);
            assertThat(document).as(file + " is a mapping").isInstanceOf(Map.class);
            return map(document);
        }
    }

    /** Nested keys joined with dots, values as strings: how Flink reads its config.yaml. */
    static Map<String, String> flatten(Map<String, Object> yaml) {
        Map<String, String> flat = new TreeMap<>();
        flatten("", yaml, flat);
        return flat;
    }

    private static void flatten(String prefix, Map<String, Object> yaml, Map<String, String> flat) {
        yaml.forEach(
                (key, value) -> {
                    if (value instanceof Map<?, ?>) {
                        flatten(prefix + key + ".", map(value), flat);
                    } else {
                        flat.put(prefix + key, String.valueOf(value));
                    }
                });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        Map<String, Object> m = new LinkedHashMap<>();
        ((Map<Object, Object>) o).forEach((k, v) -> m.put(String.valueOf(k), v));
        return m;
    }

    private static List<?> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<?>) o;
    }

    private static Map<String, Object> onlyElement(Object o) {
        assertThat(list(o)).hasSize(1);
        return map(list(o).get(0));
    }

    private static Set<String> stringKeys(Map<?, ?> m) {
        Set<String> keys = new HashSet<>();
        m.keySet().forEach(k -> keys.add(String.valueOf(k)));
        return keys;
    }

    private static String string(Object o) {
        return String.valueOf(o);
    }

    /**
     * Grafana's PostgreSQL macros, expanded the way its data source does for a given time range.
     */
    static final class GrafanaMacros {
        private GrafanaMacros() {}

        static String expand(String sql, String from, String to) {
            String expanded =
                    sql.replaceAll(
                                    "\\$__timeFilter\\(([^)]+)\\)",
                                    "$1 BETWEEN '" + from + "' AND '" + to + "'")
                            .replace("$__timeFrom()", "'" + from + "'")
                            .replace("$__timeTo()", "'" + to + "'");
            assertThat(expanded)
                    .as("a Grafana macro or variable this test does not expand")
                    .doesNotContain("$");
            return expanded;
        }
    }

    /**
     * A static check that a query names only tables and columns of the schema. It does not parse
     * SQL; it splits the query into tokens (after dropping comments, 'string literals' and "quoted
     * identifiers") and checks:
     *
     * <ol>
     *   <li>every name right after FROM or JOIN, or after a comma that follows such a table, is a
     *       table of the schema (or the name of a WITH query); a parenthesis there starts a
     *       subquery, whose alias is noted;
     *   <li>every qualified name {@code a.b}: if {@code a} is a table or a table's alias, {@code b}
     *       is a column of that table; if {@code a} is a subquery's alias, {@code b} is a column of
     *       one of the query's tables or a name the query defines with AS; any other {@code a} is
     *       reported;
     *   <li>every other name is an SQL keyword or type (a fixed list below), a function (followed
     *       by "("), a Grafana macro ($__...), a table or alias, a name defined with AS, or a
     *       column of one of the tables the query reads.
     * </ol>
     *
     * So a misspelt column ({@code p99ms}), a misspelt table ({@code service_metric}) and a column
     * of a table the query does not read ({@code dest_service} from {@code service_metrics}) are
     * reported. Not seen: a column of a table the query reads but used in the wrong subquery,
     * types, and syntax: the test that runs every query on PostgreSQL covers those. FROM inside
     * EXTRACT/SUBSTRING/TRIM is not understood.
     */
    static final class SqlNames {
        private static final Set<String> KEYWORDS =
                Set.of(
                        "select",
                        "from",
                        "where",
                        "and",
                        "or",
                        "not",
                        "as",
                        "on",
                        "join",
                        "left",
                        "right",
                        "inner",
                        "outer",
                        "full",
                        "cross",
                        "lateral",
                        "using",
                        "group",
                        "by",
                        "order",
                        "asc",
                        "desc",
                        "having",
                        "limit",
                        "offset",
                        "union",
                        "intersect",
                        "except",
                        "all",
                        "distinct",
                        "case",
                        "when",
                        "then",
                        "else",
                        "end",
                        "null",
                        "nulls",
                        "first",
                        "last",
                        "is",
                        "in",
                        "between",
                        "like",
                        "ilike",
                        "exists",
                        "any",
                        "some",
                        "interval",
                        "true",
                        "false",
                        "with",
                        "over",
                        "partition",
                        "filter",
                        "window",
                        "rows",
                        "range",
                        "preceding",
                        "following",
                        "current",
                        "row",
                        "unbounded",
                        "at",
                        "time",
                        "zone",
                        "double",
                        "precision",
                        "numeric",
                        "decimal",
                        "bigint",
                        "integer",
                        "int",
                        "smallint",
                        "real",
                        "float",
                        "float8",
                        "text",
                        "varchar",
                        "timestamp",
                        "timestamptz",
                        "date",
                        "boolean",
                        "second",
                        "minute",
                        "hour",
                        "day",
                        "week",
                        "month",
                        "year",
                        "epoch");
        private static final Set<String> ENDS_A_TABLE_REFERENCE =
                Set.of(
                        "where",
                        "join",
                        "left",
                        "right",
                        "inner",
                        "outer",
                        "full",
                        "cross",
                        "on",
                        "using",
                        "group",
                        "order",
                        "having",
                        "limit",
                        "offset",
                        "union",
                        "intersect",
                        "except",
                        "window");

        private SqlNames() {}

        /**
         * Problems found in {@code sql}, empty when none. {@code schema}: table -> columns, lower
         * case.
         */
        static List<String> problems(String sql, Map<String, Set<String>> schema) {
            List<String> tokens = tokens(sql);
            List<String> problems = new ArrayList<>();
            Map<String, String> tableAliases = new HashMap<>(); // alias or table name -> table
            Set<String> derivedAliases = new HashSet<>(); // subquery and WITH query names
            Set<String> asNames = new HashSet<>(); // names defined with AS
            Set<Integer> consumed = new HashSet<>(); // token positions already accounted for

            for (int i = 0; i + 2 < tokens.size(); i++) { // WITH name AS (
                if (isName(tokens.get(i))
                        && tokens.get(i + 1).equals("as")
                        && tokens.get(i + 2).equals("(")) {
                    derivedAliases.add(tokens.get(i));
                    consumed.add(i);
                }
            }
            for (int i = 0; i + 1 < tokens.size(); i++) {
                if (tokens.get(i).equals("as") && isName(tokens.get(i + 1))) {
                    asNames.add(tokens.get(i + 1));
                    consumed.add(i + 1);
                }
            }
            for (int i = 0; i < tokens.size(); i++) {
                String t = tokens.get(i);
                if (t.equals(")")) { // ) alias: a subquery's alias
                    int j = i + 1;
                    if (j < tokens.size() && tokens.get(j).equals("as")) {
                        j++;
                    }
                    if (j < tokens.size()
                            && isName(tokens.get(j))
                            && !KEYWORDS.contains(tokens.get(j))) {
                        derivedAliases.add(tokens.get(j));
                        consumed.add(j);
                    }
                }
                if (!t.equals("from") && !t.equals("join")
                        || i > 0
                                && tokens.get(i - 1).equals("distinct")) { // IS [NOT] DISTINCT FROM
                    continue;
                }
                int j = i + 1;
                while (j < tokens.size()) {
                    String table = tokens.get(j);
                    if (table.equals("(")) {
                        break; // a subquery: its own FROM is met later
                    }
                    if (!isName(table)) {
                        problems.add(
                                "expected a table after "
                                        + t.toUpperCase(Locale.ROOT)
                                        + ", found "
                                        + table);
                        break;
                    }
                    consumed.add(j);
                    if (schema.containsKey(table)) {
                        tableAliases.put(table, table);
                    } else if (!derivedAliases.contains(table)) {
                        problems.add("unknown table " + table);
                    }
                    j++;
                    if (j < tokens.size() && tokens.get(j).equals("as")) {
                        j++;
                    }
                    if (j < tokens.size()
                            && isName(tokens.get(j))
                            && !ENDS_A_TABLE_REFERENCE.contains(tokens.get(j))
                            && !KEYWORDS.contains(tokens.get(j))) {
                        if (schema.containsKey(table)) {
                            tableAliases.put(tokens.get(j), table);
                        } else {
                            derivedAliases.add(tokens.get(j));
                        }
                        consumed.add(j);
                        j++;
                    }
                    if (j < tokens.size() && tokens.get(j).equals(",")) {
                        j++;
                        continue;
                    }
                    break;
                }
            }

            Set<String> readColumns = new HashSet<>();
            new HashSet<>(tableAliases.values())
                    .forEach(table -> readColumns.addAll(schema.get(table)));

            for (int i = 0; i < tokens.size(); i++) {
                String t = tokens.get(i);
                if (!isName(t) || consumed.contains(i)) {
                    continue;
                }
                if (i + 2 < tokens.size()
                        && tokens.get(i + 1).equals(".")
                        && isName(tokens.get(i + 2))) {
                    String column = tokens.get(i + 2);
                    String qualified = t + "." + column;
                    if (tableAliases.containsKey(t)) {
                        if (!schema.get(tableAliases.get(t)).contains(column)) {
                            problems.add(
                                    "unknown column "
                                            + qualified
                                            + " ("
                                            + tableAliases.get(t)
                                            + " has no "
                                            + column
                                            + ")");
                        }
                    } else if (derivedAliases.contains(t)) {
                        if (!readColumns.contains(column) && !asNames.contains(column)) {
                            problems.add("unknown column " + qualified);
                        }
                    } else {
                        problems.add("unknown table or alias in " + qualified);
                    }
                    i += 2;
                    continue;
                }
                boolean function = i + 1 < tokens.size() && tokens.get(i + 1).equals("(");
                boolean type = i > 0 && tokens.get(i - 1).equals("::");
                if (function
                        || type
                        || t.startsWith("$")
                        || KEYWORDS.contains(t)
                        || tableAliases.containsKey(t)
                        || derivedAliases.contains(t)
                        || asNames.contains(t)
                        || readColumns.contains(t)) {
                    continue;
                }
                problems.add(
                        "unknown column "
                                + t
                                + " (not in "
                                + new TreeSet<>(tableAliases.values())
                                + ")");
            }
            return problems;
        }

        private static boolean isName(String token) {
            return !token.isEmpty()
                    && (Character.isLetter(token.charAt(0)) || token.charAt(0) == '_');
        }

        /**
         * Lower-case names, $macros, numbers ("0"), "::" and single punctuation characters;
         * comments, string literals and quoted identifiers are dropped.
         */
        static List<String> tokens(String sql) {
            List<String> tokens = new ArrayList<>();
            int i = 0;
            int n = sql.length();
            while (i < n) {
                char c = sql.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (sql.startsWith("--", i)) {
                    int end = sql.indexOf('\n', i);
                    i = end < 0 ? n : end + 1;
                } else if (sql.startsWith("/*", i)) {
                    int end = sql.indexOf("*/", i + 2);
                    i = end < 0 ? n : end + 2;
                } else if (c == '\'' || c == '"') {
                    int j = i + 1;
                    while (j < n
                            && !(sql.charAt(j) == c && (j + 1 >= n || sql.charAt(j + 1) != c))) {
                        j += sql.charAt(j) == c ? 2 : 1; // a doubled quote is part of the literal
                    }
                    i = j + 1;
                } else if (c == '$' || Character.isLetter(c) || c == '_') {
                    int j = i + 1;
                    while (j < n
                            && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
                        j++;
                    }
                    tokens.add(sql.substring(i, j).toLowerCase(Locale.ROOT));
                    i = j;
                } else if (Character.isDigit(c)) {
                    int j = i + 1;
                    while (j < n && (Character.isDigit(sql.charAt(j)) || sql.charAt(j) == '.')) {
                        j++;
                    }
                    tokens.add("0");
                    i = j;
                } else if (sql.startsWith("::", i)) {
                    tokens.add("::");
                    i += 2;
                } else {
                    tokens.add(String.valueOf(c));
                    i++;
                }
            }
            return tokens;
        }
    }
}
