package io.meshflow.pair;

import io.meshflow.decode.Side;

import java.util.Arrays;

/**
 * All that pairing keeps for one pairing key: the side waiting for its partner (until the call
 * settles), and afterwards only fingerprints of the sides already counted, so that redeliveries are
 * recognised.
 */
public class PairState {
    private static final long[] NONE = new long[0];
    private static final Side[] NO_SIDES = new Side[0];

    /** The call's time: the client side's startTime, else the first server side's. */
    public long callTime;

    /**
     * When the waiting side gives up (see {@link io.meshflow.time.Timing#pairDeadline(long,
     * long)}), fixed when the first side arrives, since it depends on the watermark then. 0 in
     * state restored from a savepoint taken before this field existed: the deadline is then call
     * time plus pair.timeout, as it was.
     */
    public long deadline;

    /** False while a side waits for its partner; true once the call was counted. */
    public boolean settled;

    /** The side waiting for its partner (only before settling). */
    public Side client;

    public Side server;

    /** Server attempts beyond the first that arrived before the call settled. */
    public Side[] pendingRetries = NO_SIDES;

    /**
     * The source service of the call as it was counted (empty for a server-only one), for its later
     * retry attempts; null in state written before it was kept.
     */
    public String caller;

    /** Whether a client or server side was counted under this key. */
    public boolean hasClient;

    public boolean hasServer;

    /**
     * How many fingerprints are kept inline. A key almost always sees two sides; a hot key (one
     * request id reused by thousands of sides) keeps the rest in a map state of its own, so that
     * each side costs the same however many came before it (on RocksDB a growing value is rewritten
     * whole on every access).
     */
    public static final int INLINE_FINGERPRINTS = 16;

    /**
     * Fingerprints of the first sides counted under this key (see {@link Side#fingerprint()}); the
     * rest are in {@link PairSides}' overflow map when {@link #overflow} is set.
     */
    public long[] seen = NONE;

    /** True once more sides were counted than {@link #seen} holds. */
    public boolean overflow;

    public PairState() {}

    /** Whether the fingerprint is among the inline ones. */
    public boolean hasSeenInline(long fingerprint) {
        for (long f : seen) {
            if (f == fingerprint) {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts the side as seen; returns false when its fingerprint does not fit inline and must go
     * to the overflow map (and marks the state as overflowing).
     */
    public boolean remember(Side side) {
        if (side.client) {
            hasClient = true;
        } else {
            hasServer = true;
        }
        if (seen.length < INLINE_FINGERPRINTS) {
            seen = Arrays.copyOf(seen, seen.length + 1);
            seen[seen.length - 1] = side.fingerprint();
            return true;
        }
        overflow = true;
        return false;
    }

    public void addPendingRetry(Side side) {
        pendingRetries = Arrays.copyOf(pendingRetries, pendingRetries.length + 1);
        pendingRetries[pendingRetries.length - 1] = side;
    }

    /**
     * Forgets the views once the call is counted: only the fingerprints are needed from here on.
     */
    public void settle() {
        settled = true;
        client = null;
        server = null;
        pendingRetries = NO_SIDES;
    }
}
