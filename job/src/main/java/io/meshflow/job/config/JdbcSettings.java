package io.meshflow.job.config;

import io.meshflow.sink.Dialect;

import java.io.Serializable;

/**
 * Where the results go: what the database sink needs of the settings (serialized with it into the
 * job graph).
 *
 * @param user null when the URL or the driver's defaults say who
 * @param password null when there is none
 * @param mergeRunId the run id of {@code --write-mode merge}; null to replace rows
 */
public record JdbcSettings(
        Dialect dialect, String url, String user, String password, String mergeRunId)
        implements Serializable {

    public static JdbcSettings from(JobSettings settings) {
        return new JdbcSettings(
                settings.dialect,
                settings.jdbcUrl,
                settings.jdbcUser,
                settings.jdbcPassword,
                settings.mergeRunId);
    }

    /** Never prints the password, which a record's own toString would. */
    @Override
    public String toString() {
        return "JdbcSettings["
                + dialect
                + ", "
                + url.replaceAll("(?i)(password=)[^&;]*", "$1***")
                + "]";
    }
}
