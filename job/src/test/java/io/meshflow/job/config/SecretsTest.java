package io.meshflow.job.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Credentials are taken out of JDBC URLs, and no printed line shows a secret. */
class SecretsTest {

    @Test
    void credentialsInAJdbcUrlAreTakenOutOfIt() {
        assertThat(JdbcUrlCredentials.parse("jdbc:postgresql://u:secret123@db:5432/meshflow"))
                .isEqualTo(
                        new JdbcUrlCredentials(
                                "jdbc:postgresql://db:5432/meshflow", "u", "secret123"));
        assertThat(
                        JdbcUrlCredentials.parse(
                                "jdbc:postgresql://db/meshflow?user=u&PASSWORD=secret123&ssl=true"))
                .isEqualTo(
                        new JdbcUrlCredentials(
                                "jdbc:postgresql://db/meshflow?ssl=true", "u", "secret123"));
        assertThat(JdbcUrlCredentials.parse("jdbc:postgresql://db/meshflow?password=secret123"))
                .isEqualTo(
                        new JdbcUrlCredentials("jdbc:postgresql://db/meshflow", null, "secret123"));
        assertThat(JdbcUrlCredentials.parse("jdbc:sqlite:meshflow.db"))
                .isEqualTo(new JdbcUrlCredentials("jdbc:sqlite:meshflow.db", null, null));
    }

    @Test
    void everyFormOfASecretIsMasked() {
        String[] args = {
            "--jdbc.password", "optionPw1",
            "--jdbc.url", "jdbc:postgresql://u:urlPw2@db/x",
            "--kafka.properties.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required"
                            + " username=\"u\" password=\"jaasPw3\";",
            "--kafka.properties.ssl.keystore.password", "storePw4"
        };
        Secrets secrets = Secrets.of(args, Map.of(JobSettings.PASSWORD_ENV, "envPw5"));

        String line =
                secrets.redact(
                        "optionPw1 urlPw2 jaasPw3 storePw4 envPw5"
                                + " jdbc:postgresql://v:unknownPw6@h/db PASSWORD=unknownPw7&x=1"
                                + " password=\"unknownPw8\"");

        assertThat(line)
                .doesNotContain(
                        "optionPw1",
                        "urlPw2",
                        "jaasPw3",
                        "storePw4",
                        "envPw5",
                        "unknownPw6",
                        "unknownPw7",
                        "unknownPw8")
                .contains("jdbc:postgresql://v:***@h/db", "x=1");
    }
}
