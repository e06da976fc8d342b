package io.meshflow.job.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secrets of a command line, and every line the job prints made free of them: the database
 * password from any of its places (option, environment, URL) and Kafka passwords ({@code
 * sasl.jaas.config}, {@code ssl.*.password}). Known values are replaced wherever they appear;
 * {@code password=...} and URL user info are masked even when their value is not known.
 */
public final class Secrets {
    private static final String MASK = "***";
    private static final Pattern PASSWORD_ASSIGNMENT =
            Pattern.compile(
                    "(password\\s*=\\s*)(\"[^\"]*\"|'[^']*'|[^\\s&;,)\"']+)",
                    Pattern.CASE_INSENSITIVE);
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@\\s]+:)[^@/\\s]+@");

    private final List<String> values;

    private Secrets(List<String> values) {
        values.removeIf(v -> v == null || v.isEmpty());
        // longest first, so a secret that contains another is masked whole
        values.sort(Comparator.comparingInt(String::length).reversed());
        this.values = List.copyOf(values);
    }

    /** The secrets a command line holds, found before (or without) checking it. */
    public static Secrets of(String[] args, Map<String, String> env) {
        List<String> values = new ArrayList<>();
        values.add(env.get(JobSettings.PASSWORD_ENV));
        for (int i = 0; i + 1 < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            String value = args[i + 1];
            if (name.equals(MeshflowOptions.JDBC_PASSWORD.key())) {
                values.add(value);
            } else if (name.equals(MeshflowOptions.JDBC_URL.key())) {
                values.add(JdbcUrlCredentials.parse(value).password());
            } else if (name.startsWith(MeshflowOptions.KAFKA_PROPERTIES_PREFIX)
                    && (name.contains("password") || name.contains("jaas"))) {
                Matcher inside = PASSWORD_ASSIGNMENT.matcher(value);
                boolean found = false;
                while (inside.find()) {
                    values.add(unquote(inside.group(2)));
                    found = true;
                }
                if (!found) {
                    values.add(value);
                }
            }
        }
        return new Secrets(values);
    }

    /** The line with every secret masked. */
    public String redact(String line) {
        if (line == null) {
            return null;
        }
        String result = line;
        for (String value : values) {
            result = result.replace(value, MASK);
        }
        result = PASSWORD_ASSIGNMENT.matcher(result).replaceAll("$1" + MASK);
        return USER_INFO.matcher(result).replaceAll("$1" + MASK + "@");
    }

    private static String unquote(String s) {
        if (s.length() >= 2
                && (s.startsWith("\"") && s.endsWith("\"")
                        || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
