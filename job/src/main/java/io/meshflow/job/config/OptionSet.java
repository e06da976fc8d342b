package io.meshflow.job.config;

import io.meshflow.job.config.MeshflowOptions.InvalidOptionException;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The options of one command (the job, or a tool), collected from the {@code public static final
 * ConfigOption} fields a class declares, so that a new option cannot be left out of parsing, error
 * messages or {@code --help}. Each option's value type comes from its field's declared type ({@code
 * ConfigOption<Duration>}), since {@link ConfigOption} keeps its own to itself.
 */
public final class OptionSet {

    /** A family of free-form options, e.g. {@code --kafka.properties.X value}, passed through. */
    public record PassThrough(String prefix, String description) {}

    private final Map<ConfigOption<?>, Class<?>> types;
    private final List<PassThrough> passThroughs;
    private final String helpHint;

    private OptionSet(
            Map<ConfigOption<?>, Class<?>> types, List<PassThrough> passThroughs, String helpHint) {
        this.types = types;
        this.passThroughs = passThroughs;
        this.helpHint = helpHint;
    }

    /**
     * The {@code ConfigOption} constants of {@code holder}, in the order it declares them (the
     * order the JVM reflects them in, which is declaration order).
     *
     * @param helpHint how the user asks for help, e.g. {@code --help}, named in errors
     */
    public static OptionSet declaredIn(
            Class<?> holder, String helpHint, PassThrough... passThroughs) {
        Map<ConfigOption<?>, Class<?>> types = new LinkedHashMap<>();
        for (Field field : holder.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (!Modifier.isStatic(modifiers)
                    || !Modifier.isPublic(modifiers)
                    || field.getType() != ConfigOption.class) {
                continue;
            }
            ConfigOption<?> option;
            try {
                option = (ConfigOption<?>) field.get(null);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            if (option == null) {
                // Static fields initialise in order: the OptionSet must come after every option.
                throw new IllegalStateException(
                        holder.getSimpleName()
                                + "."
                                + field.getName()
                                + " is declared after the OptionSet that should collect it");
            }
            types.put(option, valueType(field));
        }
        return new OptionSet(Collections.unmodifiableMap(types), List.of(passThroughs), helpHint);
    }

    private static Class<?> valueType(Field field) {
        if (field.getGenericType() instanceof ParameterizedType type
                && type.getActualTypeArguments()[0] instanceof Class<?> valueType) {
            return valueType;
        }
        throw new IllegalStateException(field + " must be declared with its value type");
    }

    /** Every option, in declaration order. */
    public List<ConfigOption<?>> options() {
        return List.copyOf(types.keySet());
    }

    public List<PassThrough> passThroughs() {
        return passThroughs;
    }

    /** True when the command line asks for help: {@code --help} or {@code -h} as an option. */
    public static boolean wantsHelp(String[] args) {
        // Options come in pairs: a value that happens to read "-h" is not a request for help.
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads {@code --name value} pairs into a Configuration holding only known options, each value
     * of its option's type.
     *
     * @throws InvalidOptionException with one line naming the option and what is wrong
     */
    public Configuration parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new InvalidOptionException(
                        "unexpected argument '" + arg + "': options take the form --name value");
            }
            String name = arg.substring(2);
            if (!isKnown(name)) {
                throw new InvalidOptionException(
                        "unknown option --" + name + " (see " + helpHint + " for the options)");
            }
            if (i + 1 >= args.length
                    || (args[i + 1].startsWith("--") && args[i + 1].length() > 2)) {
                throw new InvalidOptionException("option --" + name + " needs a value");
            }
            if (values.put(name, args[++i]) != null) {
                throw new InvalidOptionException("option --" + name + " is given twice");
            }
        }
        Configuration config = Configuration.fromMap(values);
        for (ConfigOption<?> option : types.keySet()) {
            String value = values.get(option.key());
            if (types.get(option) == Duration.class
                    && value != null
                    && value.strip().chars().allMatch(Character::isDigit)) {
                // Flink would read a bare number as milliseconds: "--pair.timeout 10" is 10 ms
                throw new InvalidOptionException(
                        "invalid value '"
                                + value
                                + "' for --"
                                + option.key()
                                + ": a duration needs a unit, e.g. "
                                + value.strip()
                                + "s or "
                                + value.strip()
                                + "ms");
            }
            try {
                config.get(option);
            } catch (IllegalArgumentException e) {
                throw new InvalidOptionException(
                        "invalid value '"
                                + values.get(option.key())
                                + "' for --"
                                + option.key()
                                + ": "
                                + expected(option));
            }
        }
        return config;
    }

    private boolean isKnown(String name) {
        for (PassThrough family : passThroughs) {
            if (name.startsWith(family.prefix()) && name.length() > family.prefix().length()) {
                return true;
            }
        }
        return types.keySet().stream().anyMatch(o -> o.key().equals(name));
    }

    /** What a value of this option looks like, for an error message: "expected ...". */
    private String expected(ConfigOption<?> option) {
        Class<?> type = types.get(option);
        if (type == Duration.class) {
            return "expected a duration such as 500ms, 10s or 2min";
        }
        if (type == Integer.class || type == Long.class) {
            return "expected a whole number";
        }
        if (type == Double.class || type == Float.class) {
            return "expected a number such as 250 or 0.5";
        }
        if (type == Boolean.class) {
            return "expected true or false";
        }
        if (type.isEnum()) {
            List<String> names =
                    Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList();
            return "expected "
                    + String.join(", ", names.subList(0, names.size() - 1))
                    + " or "
                    + names.get(names.size() - 1);
        }
        return "expected " + type.getSimpleName();
    }

    /**
     * The options as {@code --help} lists them: each with the form of its value, its default and
     * its description.
     */
    public String describe() {
        StringBuilder help = new StringBuilder();
        types.forEach(
                (option, type) -> {
                    help.append("  --").append(option.key()).append(' ').append(form(type));
                    if (option.hasDefaultValue()) {
                        help.append("  (default: ")
                                .append(defaultText(option.defaultValue()))
                                .append(')');
                    }
                    help.append('\n').append(indent(description(option))).append('\n');
                });
        for (PassThrough family : passThroughs) {
            help.append("  --")
                    .append(family.prefix())
                    .append("<name> <value>\n")
                    .append(indent(family.description()))
                    .append('\n');
        }
        return help.toString();
    }

    /** An option's description as plain text. */
    public static String description(ConfigOption<?> option) {
        return new PlainTextFormatter().format(option.description());
    }

    private static String form(Class<?> type) {
        if (type.isEnum()) {
            return Arrays.stream(type.getEnumConstants())
                    .map(String::valueOf)
                    .collect(Collectors.joining("|", "<", ">"));
        }
        if (type == Integer.class || type == Long.class) {
            return "<whole number>";
        }
        if (type == Double.class || type == Float.class) {
            return "<number>";
        }
        return "<" + type.getSimpleName().toLowerCase(Locale.ROOT) + ">";
    }

    /** Defaults in the form the command line takes them: {@code 10s}, not {@code PT10S}. */
    static String defaultText(Object value) {
        if (value instanceof Duration d) {
            long ms = d.toMillis();
            if (ms % 1000 == 0) {
                return ms / 1000 + "s";
            }
            return ms + "ms";
        }
        return String.valueOf(value);
    }

    /** Indented under its option and wrapped to fit a terminal of 100 columns. */
    private static String indent(String text) {
        StringBuilder out = new StringBuilder();
        for (String paragraph : text.split("\n")) {
            StringBuilder line = new StringBuilder("      ");
            for (String word : paragraph.split(" ")) {
                if (line.length() > 6 && line.length() + 1 + word.length() > 100) {
                    out.append(line).append('\n');
                    line = new StringBuilder("      ");
                }
                line.append(line.length() > 6 ? " " : "").append(word);
            }
            out.append(line).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }
}
