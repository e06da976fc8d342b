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

    /** False while a side waits for its partner; true once the call was counted. */
    public boolean settled;

    /** The side waiting for its partner (only before settling). */
    public Side client;

    public Side server;

    /** Server attempts beyond the first that arrived before the call settled. */
    public Side[] pendingRetries = NO_SIDES;

    /** Whether a client or server side was counted under this key. */
    public boolean hasClient;

    public boolean hasServer;

    /** Fingerprints of every side counted under this key (see {@link Side#fingerprint()}). */
    public long[] seen = NONE;

    public PairState() {}

    public boolean hasSeen(long fingerprint) {
        for (long f : seen) {
            if (f == fingerprint) {
                return true;
            }
        }
        return false;
    }

    public void remember(Side side) {
        seen = Arrays.copyOf(seen, seen.length + 1);
        seen[seen.length - 1] = side.fingerprint();
        if (side.client) {
            hasClient = true;
        } else {
            hasServer = true;
        }
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
