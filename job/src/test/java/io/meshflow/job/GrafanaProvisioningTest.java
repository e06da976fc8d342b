package io.meshflow.job;

import io.meshflow.job.DockerFiles.Mount;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.meshflow.job.DockerFiles.DASHBOARD;
import static io.meshflow.job.DockerFiles.DASHBOARD_PROVIDERS;
import static io.meshflow.job.DockerFiles.DATASOURCES;
import static io.meshflow.job.DockerFiles.env;
import static io.meshflow.job.DockerFiles.list;
import static io.meshflow.job.DockerFiles.load;
import static io.meshflow.job.DockerFiles.map;
import static io.meshflow.job.DockerFiles.mounts;
import static io.meshflow.job.DockerFiles.panels;
import static io.meshflow.job.DockerFiles.service;
import static io.meshflow.job.DockerFiles.targets;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Grafana's provisioning in {@code docker/grafana/}: the data source is the compose PostgreSQL, the
 * provisioning and the dashboard are mounted where Grafana reads them, and every panel queries that
 * data source. {@link DashboardQueriesITCase} runs the queries.
 */
class GrafanaProvisioningTest {

    @Test
    void theDatasourceIsTheComposePostgres() throws IOException {
        Map<String, Object> datasource = onlyElement(load(DATASOURCES).get("datasources"));
        assertThat(datasource).containsEntry("type", "grafana-postgresql-datasource");
        String[] hostPort = String.valueOf(datasource.get("url")).split(":");
        assertThat(String.valueOf(service(hostPort[0]).get("image")))
                .as("the datasource's host is the postgres service")
                .startsWith("postgres:");
        assertThat(hostPort[1]).isEqualTo("5432");
        Map<String, String> postgresEnv = env(service("postgres"));
        assertThat(map(datasource.get("jsonData")))
                .containsEntry("database", postgresEnv.get("POSTGRES_DB"))
                .containsEntry("sslmode", "disable");

        // the user is the owner or a role an init script creates
        String user = String.valueOf(datasource.get("user"));
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
        // its password comes from Grafana's environment, the same variable PostgreSQL's init gets
        String password = String.valueOf(map(datasource.get("secureJsonData")).get("password"));
        Matcher variable = Pattern.compile("^\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?$").matcher(password);
        assertThat(variable.matches())
                .as("the password is an environment variable, not in the file")
                .isTrue();
        String name = variable.group(1);
        assertThat(env(service("grafana"))).containsKey(name);
        assertThat(postgresEnv).containsEntry(name, env(service("grafana")).get(name));
    }

    @Test
    void provisioningAndDashboardsAreMountedWhereGrafanaReadsThem() {
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
        String path = String.valueOf(map(provider.get("options")).get("path"));
        assertThat(mounts)
                .as("the provider's folder is the mounted dashboards folder")
                .anySatisfy(
                        m -> {
                            assertThat(m.target()).isEqualTo(path);
                            assertThat(m.hostPath()).isEqualTo(DASHBOARD.getParent().normalize());
                        });
        assertThat(env(service("grafana")).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"))
                .isEqualTo(path + "/" + DASHBOARD.getFileName());
    }

    @Test
    void theDashboardHasTheTopologyAndTimeSeriesOfThePostgresDatasource() {
        List<Map<String, Object>> panels = panels();
        assertThat(panels).extracting(p -> p.get("type")).contains("nodeGraph", "timeseries");
        Object uid = onlyElement(load(DATASOURCES).get("datasources")).get("uid");
        for (Map<String, Object> panel : panels) {
            assertThat(map(panel.get("datasource")))
                    .as(panel.get("title") + ": datasource")
                    .containsEntry("uid", uid);
            for (Map<String, Object> target : targets(panel)) {
                assertThat(map(target.get("datasource"))).containsEntry("uid", uid);
                assertThat(target).containsEntry("rawQuery", true).containsKey("rawSql");
                assertThat(target.get("format"))
                        .isEqualTo(
                                panel.get("type").equals("timeseries") ? "time_series" : "table");
            }
        }
        // frames named nodes and edges are what the node graph takes as such
        assertThat(panels)
                .filteredOn(p -> p.get("type").equals("nodeGraph"))
                .allSatisfy(
                        topology ->
                                assertThat(targets(topology))
                                        .extracting(t -> t.get("refId"))
                                        .containsExactlyInAnyOrder("nodes", "edges"));
    }

    private static Map<String, Object> onlyElement(Object o) {
        assertThat(list(o)).hasSize(1);
        return map(list(o).get(0));
    }
}
