package io.meshflow.job.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** What this JVM uses: CPU time, heap, and the JVM settings it runs with. */
final class ProcessFigures {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private ProcessFigures() {}

    /** CPU time of every thread of this process so far, in nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static long heapUsed() {
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * The JVM's settings as a figure's footnote: the collector, the maximum heap and the options it
     * was started with other than the --add-opens every Flink JVM needs on Java 17.
     */
    static String jvmSettings() {
        String collectors =
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName)
                        .collect(Collectors.joining(" + "));
        List<String> options =
                ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(o -> !o.startsWith("--add-opens") && !o.startsWith("-Dlog4j"))
                        .toList();
        return String.format(
                "%s, max heap %d MB, %d cores, options %s",
                collectors,
                Runtime.getRuntime().maxMemory() >> 20,
                cores(),
                options.isEmpty() ? "none (what java -jar gives)" : String.join(" ", options));
    }

    /** Samples used heap every 10 ms until stopped: the peak the run needed, garbage included. */
    static final class HeapPeak extends Thread {
        private final AtomicLong peak = new AtomicLong();

        HeapPeak() {
            super("heap-peak");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                peak.accumulateAndGet(heapUsed(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long finish() throws InterruptedException {
            interrupt();
            join();
            return peak.get();
        }
    }
}
