package io.meshflow.decode;

import java.util.zip.CRC32C;

/**
 * An input record, or one side of it, that could not be counted: kept whole with the reason why.
 */
public class DeadLetter {
    // Reasons every input format gives (SPEC 4); format-specific ones live with their decoder.
    public static final String UNDECODABLE = "undecodable";
    public static final String EMPTY = "empty";
    public static final String MISSING_START_TIME = "missing-start-time";
    public static final String MISSING_DEST_SERVICE = "missing-dest-service";
    public static final String NEGATIVE_LATENCY = "negative-latency";
    public static final String LATE = "late";

    /**
     * Where it came from and a checksum of its bytes: deterministic, so a replay after a failure
     * rewrites the same row instead of adding one; and different input at the same place (a rotated
     * file, a recreated topic) gets another id instead of overwriting a dead letter.
     */
    public String id;

    public long receivedAt;
    public String origin;
    public String reason;
    public byte[] payload;

    public DeadLetter() {}

    /**
     * @param place where in the input it was: {@code origin}, with {@code #index} for one side of a
     *     record; its id adds {@code ~} and the CRC-32C of the payload
     */
    public DeadLetter(String place, long receivedAt, String origin, String reason, byte[] payload) {
        this.id = place + "~" + checksum(payload);
        this.receivedAt = receivedAt;
        this.origin = origin;
        this.reason = reason;
        this.payload = payload;
    }

    private static String checksum(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        String hex = Long.toHexString(crc.getValue());
        return "0".repeat(8 - hex.length()) + hex;
    }
}
