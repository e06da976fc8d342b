package io.meshflow.job;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The jar's entry point. On a Flink cluster ({@code flink run}) Flink is on the classpath and this
 * hands over to {@link MeshflowJob} at once. With {@code java -jar} it is not: the jar carries no
 * copy of Flink (a cluster has its own), so this runs the job in a child JVM whose classpath adds
 * the {@code lib/} folder the build puts beside the jar, with the same JVM options (plus a
 * throughput GC and starting heap where the user set none: {@link ThroughputJvmOptions}, and an
 * archive of the classes it loads: {@link ClassDataArchive}), standard streams and exit code. A
 * first argument {@code produce} runs the Kafka producer of simulated traffic instead of the job,
 * {@code graph} the topology picture. {@code --help} is answered in this JVM, on a class loader
 * over the same jars: it needs neither JVM options nor a second process.
 *
 * <p>Only JDK classes may be used here: nothing else is loadable until Flink is found.
 */
public final class Launcher {
    private static final String MAIN = "io.meshflow.job.MeshflowJob";

    /** {@code java -jar meshflow-job.jar produce ...}: the simulator publishing to Kafka. */
    private static final String PRODUCE = "io.meshflow.job.tools.Produce";

    /** {@code java -jar meshflow-job.jar graph ...}: a picture of the topology in the database. */
    private static final String GRAPH = "io.meshflow.job.tools.Graph";

    /** Set on the child JVM: the launcher's pid, so that the child ends when the launcher does. */
    static final String LAUNCHER_PID = "meshflow.launcher.pid";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        endWithTheLauncher();
        String[] commandLine = args;
        String tool =
                args.length == 0
                        ? null
                        : java.util.Map.of("produce", PRODUCE, "graph", GRAPH).get(args[0]);
        String main = tool != null ? tool : MAIN;
        if (tool != null) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        if (canLoad("org.apache.flink.streaming.api.environment.StreamExecutionEnvironment")) {
            Class.forName(main).getMethod("main", String[].class).invoke(null, (Object) args);
            return;
        }
        File jar =
                new File(
                        Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        File lib = new File(jar.getParentFile(), "lib");
        File[] jars = lib.listFiles((dir, name) -> name.endsWith(".jar"));
        if (jars == null || jars.length == 0) {
            // a jar copied away from the build's lib/: the distribution carries both
            System.err.println(
                    "meshflow: Flink is not on the classpath and "
                            + lib
                            + " holds no Flink jars: run bin/meshflow of the distribution"
                            + " (meshflow-<version>.tar.gz), or submit this jar with flink run");
            System.exit(2);
        }
        if (wantsHelp(args)) {
            List<URL> urls = new ArrayList<>();
            urls.add(jar.toURI().toURL());
            for (File each : jars) {
                urls.add(each.toURI().toURL());
            }
            // The platform loader as parent: this jar's classes must load beside Flink's, not from
            // the application class path that lacks them.
            try (URLClassLoader loader =
                    new URLClassLoader(
                            urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
                Class.forName(main, true, loader)
                        .getMethod("main", String[].class)
                        .invoke(null, (Object) args);
            }
            return;
        }
        List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
        command.addAll(jvmOptions);
        // after the user's own options, which it never contradicts (it adds only what they left
        // unset)
        command.addAll(ThroughputJvmOptions.forChild());
        ClassDataArchive classes = ClassDataArchive.of(jar, jars, jvmOptions);
        if (classes != null) {
            command.addAll(classes.options(tool == null));
        }
        command.addAll(addOpens());
        command.add("-D" + LAUNCHER_PID + "=" + ProcessHandle.current().pid());
        command.add("-cp");
        command.add(jar.getPath() + File.pathSeparator + lib.getPath() + File.separator + "*");
        // the child starts here too, so that it watches this launcher before handing over
        command.add(Launcher.class.getName());
        command.addAll(List.of(commandLine));
        Process child = new ProcessBuilder(command).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(child::destroy));
        int exitCode = child.waitFor();
        if (classes != null) {
            classes.childEnded(exitCode);
        }
        System.exit(exitCode);
    }

    /**
     * The {@code --add-opens} flags a JVM running Flink needs on Java 17 (its serializers reflect
     * into java.util and java.lang): one list, the parent pom's {@code java.add-opens}, which the
     * build writes into {@code add-opens.txt} beside this class.
     */
    public static List<String> addOpens() throws IOException {
        try (InputStream in = Launcher.class.getResourceAsStream("add-opens.txt")) {
            if (in == null) {
                throw new IllegalStateException(
                        "add-opens.txt is missing beside " + Launcher.class.getName());
            }
            String flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return List.of(flags.split("\\s+"));
        }
    }

    /** As {@code OptionSet.wantsHelp}, which this class cannot load: --help or -h as an option. */
    private static boolean wantsHelp(String[] args) {
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /**
     * In the child JVM: ends it when the launcher is gone, however it went. A launcher stopped
     * normally stops the child itself (shutdown hook); one killed with {@code kill -9} cannot, and
     * its job would run on as an orphan.
     */
    private static void endWithTheLauncher() {
        String pid = System.getProperty(LAUNCHER_PID);
        if (pid == null) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pid))
                .ifPresentOrElse(
                        launcher ->
                                launcher.onExit()
                                        .thenRun(
                                                () -> {
                                                    System.err.println(
                                                            "meshflow: the launcher (pid "
                                                                    + pid
                                                                    + ") is gone: stopping");
                                                    System.exit(143);
                                                }),
                        () -> System.exit(143));
    }

    private static boolean canLoad(String className) {
        try {
            Class.forName(className, false, Launcher.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
