package io.meshflow.decode;

import java.io.InputStream;
import java.io.Serializable;

/**
 * One input format (SPEC 1.1, 1.3): turns one input record into sides and dead letters where it is
 * read, and rebuilds a late side's record in the same format. Sources hold one and know nothing of
 * the format.
 */
public interface RecordDecoder extends Serializable {

    /**
     * Decodes one record.
     *
     * @param origin where it came from (topic/partition/offset, file@byte offset): names its dead
     *     letters
     * @param receivedAt when it was read, ms since epoch
     */
    SideBatch decode(byte[] payload, String origin, long receivedAt);

    /**
     * The dead letter of a side that arrived after its bucket was forgotten, from the batch it came
     * in: the side alone, in the input format.
     */
    DeadLetter lateDeadLetter(SideBatch batch, Side side);

    /**
     * Whether the {@code length} bytes are one well-formed record of this format with at least one
     * report in it. A file reader whose framing broke asks it at every offset until the next frame,
     * so it should give up at the first bytes that cannot be such a record. The stream supports
     * {@code mark} and {@code reset}.
     */
    boolean isRecord(InputStream bytes, int length);
}
