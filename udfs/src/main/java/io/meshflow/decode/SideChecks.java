package io.meshflow.decode;

import java.io.Serializable;
import java.time.Duration;

/**
 * The checks every input format applies to a side before it counts (SPEC section 4): a start time
 * too far ahead of the wall clock and a name holding U+0000 make the side a dead letter; a name
 * longer than {@value #MAX_NAME_BYTES} bytes of UTF-8 is cut at the last whole character within
 * them, so that both databases store the same row and no name exceeds PostgreSQL's index limits.
 */
public final class SideChecks implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String FUTURE_START_TIME = "future-start-time";
    public static final String INVALID_NAME = "invalid-name";

    /** Names are stored verbatim up to this many bytes of UTF-8. */
    public static final int MAX_NAME_BYTES = 512;

    /** No character takes more than 3 bytes of UTF-8 per UTF-16 unit: shorter names always fit. */
    private static final int ALWAYS_FITS = MAX_NAME_BYTES / 3;

    private final long maxAheadMs;

    /**
     * @param maxAhead how far ahead of the wall clock when it is read a side may start; a side
     *     further ahead would move the watermark for everyone (one wrong clock)
     */
    public SideChecks(Duration maxAhead) {
        this.maxAheadMs = maxAhead.toMillis();
    }

    /**
     * Why a side starting at {@code startTime}, read at {@code receivedAt}, cannot count, or null.
     */
    public String startTimeProblem(long startTime, long receivedAt) {
        return startTime - receivedAt > maxAheadMs ? FUTURE_START_TIME : null;
    }

    /**
     * Why the side's names cannot be stored ({@link #INVALID_NAME}), or null, after cutting the
     * long ones in place: what every format does with a side it decoded.
     */
    public static String storeNames(Side side) {
        if (!validName(side.sourceService)
                || !validName(side.sourceInstance)
                || !validName(side.destService)
                || !validName(side.destInstance)
                || !validName(side.endpoint)) {
            return INVALID_NAME;
        }
        side.sourceService = stored(side.sourceService);
        side.sourceInstance = stored(side.sourceInstance);
        side.destService = stored(side.destService);
        side.destInstance = stored(side.destInstance);
        side.endpoint = stored(side.endpoint);
        return null;
    }

    /** Whether a name can be stored: every name but one holding U+0000. */
    public static boolean validName(String name) {
        return name.indexOf('\u0000') < 0;
    }

    /** The name as stored: itself, or cut at the last whole character within 512 bytes. */
    public static String stored(String name) {
        if (name.length() <= ALWAYS_FITS) {
            return name;
        }
        int bytes = 0;
        int i = 0;
        while (i < name.length()) {
            int codePoint = name.codePointAt(i);
            int width = utf8Width(codePoint);
            if (bytes + width > MAX_NAME_BYTES) {
                return name.substring(0, i);
            }
            bytes += width;
            i += Character.charCount(codePoint);
        }
        return name;
    }

    private static int utf8Width(int codePoint) {
        if (codePoint < 0x80) {
            return 1;
        } else if (codePoint < 0x800) {
            return 2;
        } else if (codePoint < 0x10000) {
            // a lone surrogate is written as '?' by Java's encoder: one byte, counted as three
            return 3;
        }
        return 4;
    }
}
