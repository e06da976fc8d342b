package io.meshflow.aggregate;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Apdex threshold T per destination service: a default, and a {@code service: ms} file of
 * exceptions.
 */
public final class ApdexThresholds implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long defaultMs;
    private final Map<String, Long> perService;

    public ApdexThresholds(long defaultMs, Map<String, Long> perService) {
        this.defaultMs = defaultMs;
        this.perService = new HashMap<>(perService);
    }

    public static ApdexThresholds uniform(long defaultMs) {
        return new ApdexThresholds(defaultMs, Map.of());
    }

    public long thresholdMs(String destService) {
        Long t = perService.get(destService);
        return t == null ? defaultMs : t;
    }

    /**
     * Reads {@code service: ms} lines; blank lines and lines starting with # are skipped. The
     * service name is everything before the last colon, so names may contain colons.
     *
     * @throws IllegalArgumentException naming the file and line of the first bad line
     */
    public static ApdexThresholds fromFile(long defaultMs, Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, Long> perService = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.lastIndexOf(':');
            String service = colon < 0 ? "" : line.substring(0, colon).strip();
            String value = colon < 0 ? "" : line.substring(colon + 1).strip();
            long ms;
            try {
                ms =
                        Long.parseLong(
                                value.endsWith("ms")
                                        ? value.substring(0, value.length() - 2).strip()
                                        : value);
            } catch (NumberFormatException e) {
                ms = -1;
            }
            if (service.isEmpty() || ms <= 0) {
                throw new IllegalArgumentException(
                        file
                                + " line "
                                + (i + 1)
                                + ": expected 'service: milliseconds', got '"
                                + line
                                + "'");
            }
            perService.put(service, ms);
        }
        return new ApdexThresholds(defaultMs, perService);
    }
}
