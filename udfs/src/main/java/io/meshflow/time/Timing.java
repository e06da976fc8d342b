package io.meshflow.time;

import java.io.Serializable;
import java.time.Duration;

/**
 * When buckets are written and forgotten, shared by pairing and aggregation so that both agree.
 *
 * <p>A bucket is written once the watermark passes its last millisecond plus {@code pairTimeout}:
 * by then every one-sided call of the bucket has timed out and been emitted. It is updated by late
 * calls until {@code allowedLateness} after that, then forgotten; a side arriving later than that
 * is late.
 */
public final class Timing implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long pairTimeoutMs;
    private final long allowedLatenessMs;

    public Timing(Duration pairTimeout, Duration allowedLateness) {
        this.pairTimeoutMs = pairTimeout.toMillis();
        this.allowedLatenessMs = allowedLateness.toMillis();
    }

    public long pairTimeoutMs() {
        return pairTimeoutMs;
    }

    /**
     * When a side that arrived on time (the watermark not yet past {@code callTime}) gives up
     * waiting for the other side of its request.
     */
    public long pairDeadline(long callTime) {
        return callTime + pairTimeoutMs;
    }

    /**
     * When a side that arrived first, with the watermark at {@code watermark}, gives up waiting for
     * the other side of its request (SPEC 3, "Pair deadline"): {@code pairTimeout} after its call
     * time or, if it came late, after the watermark at its arrival, so that two late sides still
     * pair; never after the last moment its minute bucket takes updates.
     */
    public long pairDeadline(long callTime, long watermark) {
        long waitFrom = Math.max(callTime, watermark);
        return Math.min(waitFrom + pairTimeoutMs, lastUpdateTime(callTime));
    }

    /**
     * The last watermark at which the minute bucket of a call at {@code callTime} takes updates.
     */
    public long lastUpdateTime(long callTime) {
        return callForgetTime(callTime) - 1;
    }

    /** When the bucket starting at {@code bucketStart} is first written. */
    public long writeTime(Granularity granularity, long bucketStart) {
        return granularity.bucketMaxTimestamp(bucketStart) + pairTimeoutMs;
    }

    /**
     * The first minute write time after {@code watermark}: when the minute rows now due next are
     * written.
     */
    public long nextMinuteWriteTime(long watermark) {
        // writeTime(m) = m + 59_999 + pairTimeout > watermark: the first whole minute past this
        long after = watermark - Granularity.MINUTE.bucketMaxTimestamp(0) - pairTimeoutMs;
        return writeTime(Granularity.MINUTE, Granularity.MINUTE.bucketStart(after) + 60_000);
    }

    /** When the bucket is forgotten; from then on it takes no more updates. */
    public long forgetTime(Granularity granularity, long bucketStart) {
        return writeTime(granularity, bucketStart) + allowedLatenessMs;
    }

    /** When the minute bucket of a call at {@code callTime} is forgotten. */
    public long callForgetTime(long callTime) {
        return forgetTime(Granularity.MINUTE, Granularity.MINUTE.bucketStart(callTime));
    }

    /**
     * True when a side of a new call at {@code callTime} comes after its minute bucket was
     * forgotten.
     */
    public boolean isLate(long callTime, long watermark) {
        return watermark >= callForgetTime(callTime);
    }
}
