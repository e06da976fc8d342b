package io.meshflow.decode;

/**
 * An input record, or one side of it, that could not be counted: kept whole with the reason why.
 */
public class DeadLetter {
    /** Deterministic, so a replay after a failure rewrites the same row instead of adding one. */
    public String id;

    public long receivedAt;
    public String origin;
    public String reason;
    public byte[] payload;

    public DeadLetter() {}

    public DeadLetter(String id, long receivedAt, String origin, String reason, byte[] payload) {
        this.id = id;
        this.receivedAt = receivedAt;
        this.origin = origin;
        this.reason = reason;
        this.payload = payload;
    }
}
