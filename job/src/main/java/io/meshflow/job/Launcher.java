package io.meshflow.job;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The jar's entry point. On a Flink cluster ({@code flink run}) Flink is on the classpath and this
 * hands over to {@link MeshflowJob} at once. With {@code java -jar} it is not: the jar carries no
 * copy of Flink (a cluster has its own), so this runs the job in a child JVM whose classpath adds
 * the {@code lib/} folder the build puts beside the jar, with the same JVM options, standard
 * streams and exit code. A first argument {@code produce} runs the Kafka producer of simulated
 * traffic instead of the job, {@code graph} the topology picture.
 *
 * <p>Only JDK classes may be used here: nothing else is loadable until Flink is found.
 */
public final class Launcher {
    private static final String MAIN = "io.meshflow.job.MeshflowJob";

    /** {@code java -jar meshflow-job.jar produce ...}: the simulator publishing to Kafka. */
    private static final String PRODUCE = "io.meshflow.job.tools.Produce";

    /** {@code java -jar meshflow-job.jar graph ...}: a picture of the topology in the database. */
    private static final String GRAPH = "io.meshflow.job.tools.Graph";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
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
            System.err.println(
                    "meshflow: Flink is not on the classpath and "
                            + lib
                            + " holds no Flink jars: build with ./mvnw package, or submit with flink run");
            System.exit(2);
        }
        List<String> command = new ArrayList<>();
        command.add(new File(System.getProperty("java.home"), "bin/java").getPath());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(addOpens());
        command.add("-cp");
        command.add(jar.getPath() + File.pathSeparator + lib.getPath() + File.separator + "*");
        command.add(main);
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(child::destroy));
        System.exit(child.waitFor());
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

    private static boolean canLoad(String className) {
        try {
            Class.forName(className, false, Launcher.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
