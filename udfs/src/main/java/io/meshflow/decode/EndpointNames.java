package io.meshflow.decode;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Endpoint normalisation (SPEC 3, Endpoints): the user's rules first (whole-endpoint regular
 * expressions, the first that matches wins), then, unless turned off, the built-in rule that makes
 * every path segment that is an id {@code {id}}. Applied once to every side, so every table and
 * every input format see the same names.
 */
public final class EndpointNames implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What an id segment becomes. */
    public static final String ID = "{id}";

    /** The default: no rules, the built-in id rule on. */
    public static final EndpointNames BUILT_IN = new EndpointNames(List.of(), true);

    private static final Pattern UUID =
            Pattern.compile(
                    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final List<Rule> rules;
    private final boolean idSegments;

    /**
     * @param rules tried in order, the first whose pattern matches the whole endpoint wins
     * @param idSegments whether id segments become {@code {id}} after the rules
     */
    public EndpointNames(List<Rule> rules, boolean idSegments) {
        this.rules = List.copyOf(rules);
        this.idSegments = idSegments;
    }

    /** One {@code REGEX => REPLACEMENT} line. */
    public record Rule(Pattern pattern, String replacement) implements Serializable {}

    /** The normalised name of {@code endpoint}; the same instance when nothing changes. */
    public String normalize(String endpoint) {
        if (endpoint.isEmpty()) {
            return endpoint;
        }
        String name = endpoint;
        for (Rule rule : rules) {
            Matcher matcher = rule.pattern.matcher(name);
            if (matcher.matches()) {
                // the match of matches(), not the first find(): an alternation may find less
                StringBuilder replaced = new StringBuilder();
                matcher.appendReplacement(replaced, rule.replacement);
                name = replaced.toString();
                break;
            }
        }
        return idSegments ? replaceIdSegments(name) : name;
    }

    /**
     * Reads a rules file: {@code REGEX => REPLACEMENT} lines, blank lines and {@code #} comments
     * skipped.
     *
     * @throws IllegalArgumentException naming the file and line of the first bad line
     */
    public static EndpointNames fromFile(Path file, boolean idSegments) throws IOException {
        return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8), idSegments);
    }

    static EndpointNames parse(String fileName, List<String> lines, boolean idSegments) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = fileName + " line " + (i + 1) + ": ";
            int arrow = line.indexOf("=>");
            if (arrow < 0) {
                throw new IllegalArgumentException(
                        where + "expected 'REGEX => REPLACEMENT', got '" + line + "'");
            }
            String regex = line.substring(0, arrow).strip();
            String replacement = line.substring(arrow + 2).strip();
            if (regex.isEmpty()) {
                throw new IllegalArgumentException(where + "the regular expression is empty");
            }
            Pattern pattern;
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(
                        where + "bad regular expression '" + regex + "': " + e.getDescription());
            }
            try {
                // a replacement naming a group the pattern lacks fails only when applied: find out
                // now
                pattern.matcher("").replaceFirst(replacement);
                checkGroups(pattern, replacement);
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new IllegalArgumentException(
                        where + "bad replacement '" + replacement + "': " + e.getMessage());
            }
            rules.add(new Rule(pattern, replacement));
        }
        return new EndpointNames(rules, idSegments);
    }

    /** Every {@code $n} of the replacement must be a group of the pattern. */
    private static void checkGroups(Pattern pattern, String replacement) {
        int groups = pattern.matcher("").groupCount();
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '$' && i + 1 < replacement.length()) {
                char next = replacement.charAt(i + 1);
                if (Character.isDigit(next) && next - '0' > groups) {
                    throw new IllegalArgumentException(
                            "no group " + next + " in the regular expression");
                }
            }
        }
    }

    /** Makes every id segment between slashes {@code {id}}; allocates only when one is found. */
    private static String replaceIdSegments(String name) {
        StringBuilder out = null;
        int start = 0;
        int length = name.length();
        while (start <= length) {
            int end = name.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            boolean id = isId(name, start, end);
            if (id && out == null) {
                out = new StringBuilder(length).append(name, 0, start);
            }
            if (out != null) {
                if (id) {
                    out.append(ID);
                } else {
                    out.append(name, start, end);
                }
                if (end < length) {
                    out.append('/');
                }
            }
            start = end + 1;
        }
        return out == null ? name : out.toString();
    }

    /** All digits, a UUID, or 16 or more hex digits with at least one decimal digit. */
    static boolean isId(String s, int start, int end) {
        int n = end - start;
        if (n == 0) {
            return false;
        }
        boolean allDigits = true;
        boolean allHex = true;
        boolean anyDigit = false;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            anyDigit |= digit;
            allDigits &= digit;
            allHex &= digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        }
        if (allDigits || (allHex && anyDigit && n >= 16)) {
            return true;
        }
        return n == 36 && UUID.matcher(s.subSequence(start, end)).matches();
    }
}
