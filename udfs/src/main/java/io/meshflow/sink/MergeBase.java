package io.meshflow.sink;

import io.meshflow.aggregate.MetricKey;

/**
 * A row of {@code merge_bases}: what a table row held before a {@code --write-mode merge} run first
 * wrote it. Every write of the run sets the row to this base plus the run's own row, so writing it
 * again (after a failure, or by the run finishing a failed attempt) never adds the run twice.
 *
 * @param runId the run (fixed when the job is submitted)
 * @param table the table's name
 * @param rowKey the row's key columns as text ({@link #rowKey})
 * @param state the row's {@code merge_state} before the run; null when the run created the row
 */
public record MergeBase(String runId, String table, String rowKey, byte[] state) {

    /**
     * The key of {@code key}'s table row as unambiguous text: granularity, bucket start (ms) and
     * each name prefixed with its length.
     */
    public static String rowKey(MetricKey key) {
        StringBuilder text =
                new StringBuilder()
                        .append(key.granularity.columnValue())
                        .append('|')
                        .append(key.bucketStart);
        for (String name : new String[] {key.name1, key.name2, key.name3, key.name4}) {
            text.append('|').append(name.length()).append(':').append(name);
        }
        return text.toString();
    }
}
