package io.meshflow.job.graph;

import io.meshflow.job.config.MeshflowOptions;
import io.meshflow.job.config.MeshflowOptions.InvalidOptionException;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.flink.configuration.ConfigOptions.key;

/**
 * The command line of {@code meshflow graph}: the job's JDBC options plus the window and the output
 * file.
 */
public final class GraphOptions {

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

    /** Every option {@code graph} accepts. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    MeshflowOptions.JDBC_URL,
                    MeshflowOptions.JDBC_USER,
                    MeshflowOptions.JDBC_PASSWORD,
                    FROM,
                    TO,
                    GRANULARITY,
                    OUT);

    private GraphOptions() {}

    /**
     * Reads {@code --name value} pairs of {@link #ALL}. The one place that parses this command
     * line: to be replaced by the shared parser of every tool once it takes an option set.
     *
     * @throws InvalidOptionException with one line naming the option and what is wrong
     */
    public static Configuration parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") ? arg.substring(2) : null;
            if (name == null || ALL.stream().noneMatch(o -> o.key().equals(name))) {
                throw new InvalidOptionException(
                        "unknown option '"
                                + arg
                                + "' (graph takes --jdbc.url, --jdbc.user, --jdbc.password,"
                                + " --from, --to, --granularity, --out)");
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new InvalidOptionException("option --" + name + " needs a value");
            }
            if (values.put(name, args[++i]) != null) {
                throw new InvalidOptionException("option --" + name + " is given twice");
            }
        }
        return Configuration.fromMap(values);
    }
}
