package io.meshflow.state;

import io.meshflow.decode.Side;
import io.meshflow.pair.CallEvent;

import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes this version's snapshots under {@code saved-state/}{@link SavedState#CURRENT}. Not part of
 * the normal test run (its name is no test's): run it when the state format changes, and commit the
 * new folder beside the old ones, which {@link SavedStateTest} keeps restoring:
 *
 * <pre>
 * ./mvnw -B -ntp -pl udfs test -Dtest=SavedStateWriter -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class SavedStateWriter {

    @Test
    void writeThisVersionsSnapshots() throws Exception {
        Path folder = SavedState.KEPT.resolve(SavedState.CURRENT);
        Files.createDirectories(folder);
        try (KeyedOneInputStreamOperatorTestHarness<Tuple3<String, String, String>, Side, CallEvent>
                pairing = SavedState.pairing()) {
            pairing.open();
            SavedState.pairingBeforeStop(pairing);
            OperatorSnapshotUtil.writeStateHandle(
                    pairing.snapshot(1, SavedState.STOP),
                    folder.resolve("pair-sides.snapshot").toString());
        }
        try (var cap = SavedState.endpointCap()) {
            cap.open();
            SavedState.endpointCapBeforeStop(cap);
            OperatorSnapshotUtil.writeStateHandle(
                    cap.snapshot(1, SavedState.STOP),
                    folder.resolve("cap-endpoints.snapshot").toString());
        }
        try (var rows = SavedState.rows()) {
            rows.open();
            SavedState.rowsBeforeStop(rows);
            OperatorSnapshotUtil.writeStateHandle(
                    rows.snapshot(1, SavedState.STOP),
                    folder.resolve("merge-rows.snapshot").toString());
        }
    }
}
