package io.meshflow.job;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options {@link Launcher} adds to the JVM it starts for a local run, unless the user chose
 * otherwise: a throughput collector. The heap stays the JVM's (a quarter of memory at most): a
 * larger starting heap was measured to cost more CPU (fresh pages to fault in and clear) than the
 * resizes it saves.
 *
 * <p>A batch-like run of the job allocates hard (decoded sides, call events, state) and keeps a
 * sizeable live set (every key waiting for its partner or remembering its fingerprints), and it has
 * no pause target: ParallelGC spends less CPU per side than G1, the JVM's default on a server
 * machine (measured in issue 13's closing note). A GC the user picked in any way (command line,
 * {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS}) is kept: what the running JVM reports as the
 * options' origins says which were set by hand.
 *
 * <p>Only JDK classes are used here, as in {@link Launcher}.
 */
final class ThroughputJvmOptions {
    /** Every collector flag of HotSpot 17; the ones this JVM lacks are skipped. */
    private static final List<String> COLLECTORS =
            List.of(
                    "UseSerialGC",
                    "UseParallelGC",
                    "UseG1GC",
                    "UseZGC",
                    "UseShenandoahGC",
                    "UseEpsilonGC");

    private ThroughputJvmOptions() {}

    /** The options to add for the child JVM (none when the user chose a GC). */
    static List<String> forChild() {
        HotSpotDiagnosticMXBean hotSpot =
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        List<String> options = new ArrayList<>();
        if (hotSpot == null) {
            return options;
        }
        if (!anySetByUser(hotSpot, COLLECTORS)) {
            options.add("-XX:+UseParallelGC");
        }
        return options;
    }

    private static boolean anySetByUser(HotSpotDiagnosticMXBean hotSpot, List<String> flags) {
        for (String flag : flags) {
            VMOption option;
            try {
                option = hotSpot.getVMOption(flag);
            } catch (IllegalArgumentException notInThisJvm) {
                continue;
            }
            if (option.getOrigin() != VMOption.Origin.DEFAULT
                    && option.getOrigin() != VMOption.Origin.ERGONOMIC) {
                return true;
            }
        }
        return false;
    }
}
