package io.meshflow.decode;

/**
 * What a source emits for one input record (a Kafka record, a file frame, a simulated request): the
 * valid sides it carried and dead letters for whatever could not be used. Decoding happens in the
 * source so that event-time watermarks can be generated there (per Kafka partition).
 */
public class SideBatch {
    private static final Side[] NO_SIDES = new Side[0];
    private static final DeadLetter[] NO_DEAD_LETTERS = new DeadLetter[0];
    private static final long[] NO_TIMES = new long[0];

    public Side[] sides = NO_SIDES;
    public DeadLetter[] deadLetters = NO_DEAD_LETTERS;

    /**
     * Start times (ms since epoch, UTC) of the spans that are not calls between services (SPEC 1.3:
     * OpenTelemetry spans of kind INTERNAL, PRODUCER, CONSUMER or unspecified), one per span, to
     * count in pipeline_stats.ignored_spans in their minute. Shared and empty when there are none.
     */
    public long[] ignoredSpanStarts = NO_TIMES;

    /** The earliest start time among the sides, or Long.MIN_VALUE when there are none. */
    public long eventTime = Long.MIN_VALUE;

    /** The record as read, to keep a side whole should it turn out late. */
    public byte[] payload;

    /** Where the record came from: topic/partition/offset or file@byte offset. */
    public String origin;

    public SideBatch() {}

    public SideBatch(Side[] sides, DeadLetter[] deadLetters, byte[] payload, String origin) {
        this.sides = sides;
        this.deadLetters = deadLetters;
        this.payload = payload;
        this.origin = origin;
        long min = Long.MAX_VALUE;
        for (Side side : sides) {
            min = Math.min(min, side.startTime);
        }
        this.eventTime = sides.length == 0 ? Long.MIN_VALUE : min;
    }

    public static SideBatch deadLetter(DeadLetter deadLetter) {
        return new SideBatch(
                NO_SIDES, new DeadLetter[] {deadLetter}, deadLetter.payload, deadLetter.origin);
    }
}
