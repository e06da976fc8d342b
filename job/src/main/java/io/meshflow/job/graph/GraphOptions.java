package io.meshflow.job.graph;

import io.meshflow.job.config.MeshflowOptions;
import io.meshflow.job.config.MeshflowOptions.InvalidOptionException;
import io.meshflow.job.config.OptionSet;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.util.List;

import static org.apache.flink.configuration.ConfigOptions.key;

/**
 * The command line of {@code meshflow graph}: the job's JDBC options plus the window and the output
 * file.
 */
public final class GraphOptions {

    // the job's database options, first: the same names, defaults and checks
    public static final ConfigOption<String> JDBC_URL = MeshflowOptions.JDBC_URL;
    public static final ConfigOption<String> JDBC_USER = MeshflowOptions.JDBC_USER;
    public static final ConfigOption<String> JDBC_PASSWORD = MeshflowOptions.JDBC_PASSWORD;

    public static final ConfigOption<String> FROM =
            key("from")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Start of the window (inclusive): an ISO-8601 UTC time such as"
                                    + " 2026-01-01T10:00:00Z, or a date. Default: one hour before --to.");
    public static final ConfigOption<String> TO =
            key("to")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "End of the window (exclusive): an ISO-8601 UTC time, or a date (the"
                                    + " whole day is included). Default: the end of the newest bucket.");
    public static final ConfigOption<String> GRANULARITY =
            key("granularity")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "minute, hour or day: which rows to merge. Default: the coarsest whose"
                                    + " buckets tile the window exactly (fewest buckets, so p99 is"
                                    + " closest to exact).");
    public static final ConfigOption<String> OUT =
            key("out")
                    .stringType()
                    .defaultValue("topology.html")
                    .withDescription(
                            "The file to write: a self-contained HTML page, or Graphviz DOT when"
                                    + " the name ends with .dot.");

    /** Every option {@code graph} accepts, read by the parser the job and produce use. */
    public static final OptionSet COMMAND_LINE =
            OptionSet.declaredIn(GraphOptions.class, "graph --help");

    /** Every option {@code graph} accepts. */
    public static final List<ConfigOption<?>> ALL = COMMAND_LINE.options();

    private GraphOptions() {}

    /**
     * Reads {@code --name value} pairs of {@link #ALL}.
     *
     * @throws InvalidOptionException with one line naming the option and what is wrong
     */
    public static Configuration parse(String[] args) {
        return COMMAND_LINE.parse(args);
    }

    /** What {@code graph --help} prints. */
    public static String help() {
        return """
                usage: java -jar meshflow-job.jar graph [--name value]...

                Writes a picture of the service topology in the results database: a self-contained
                HTML page, or Graphviz DOT. Exit codes: 2 for a bad option or file, 3 for the database.

                options:
                """
                + COMMAND_LINE.describe();
    }
}
