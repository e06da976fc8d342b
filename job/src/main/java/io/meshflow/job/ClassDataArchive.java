package io.meshflow.job;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A class-data-sharing archive (the JDK's AppCDS) of the classes a local run loads, for the JVM
 * {@link Launcher} starts. Loading, verifying and linking Flink's ~9,000 classes is most of a run's
 * start: mapped from an archive, a run's start takes a third less CPU (issue 13's closing note).
 *
 * <p>The first run of a build on a JVM makes the archive at its exit ({@code
 * -XX:ArchiveClassesAtExit}, a few seconds once); later runs map it ({@code
 * -XX:SharedArchiveFile}). It lives in the user's cache folder ({@code $XDG_CACHE_HOME/meshflow},
 * else {@code ~/.cache/meshflow}), named by everything its validity depends on: the JVM, the jars
 * (path, size, time) and the user's JVM options; a new build replaces the archive of the old. The
 * JVM checks an archive before it maps it and quietly runs without one that does not fit; the JVM's
 * messages about archives are turned off, so a run's console is as it was. Nothing happens when the
 * user passes CDS options of their own, when the JVM has no base archive, or when the cache folder
 * cannot be written.
 *
 * <p>Only JDK classes are used here, as in {@link Launcher}.
 */
final class ClassDataArchive {
    /** CDS speaks on the console only when it fails, which is never worth a user's line here. */
    private static final String QUIET = "-Xlog:cds*=off";

    private final Path archive;
    private final Path making;

    private ClassDataArchive(Path archive, Path making) {
        this.archive = archive;
        this.making = making;
    }

    /** The archive of this build and JVM, or null when none can be used. */
    static ClassDataArchive of(File jar, File[] libJars, List<String> jvmOptions) {
        String vmInfo = System.getProperty("java.vm.info", "");
        if (!vmInfo.contains("sharing")
                || jvmOptions.stream()
                        .anyMatch(
                                o ->
                                        o.startsWith("-Xshare")
                                                || o.contains("SharedArchiveFile")
                                                || o.contains("ArchiveClassesAtExit"))) {
            return null;
        }
        Path folder = cacheFolder();
        if (folder == null) {
            return null;
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException | SecurityException e) {
            return null;
        }
        if (!Files.isWritable(folder)) {
            return null;
        }
        StringBuilder validity = new StringBuilder();
        validity.append(System.getProperty("java.home"))
                .append('\n')
                .append(System.getProperty("java.vm.version"))
                .append('\n')
                .append(String.join("\n", jvmOptions))
                .append('\n');
        for (File each : withJar(jar, libJars)) {
            validity.append(each.getAbsolutePath())
                    .append(' ')
                    .append(each.length())
                    .append(' ')
                    .append(each.lastModified())
                    .append('\n');
        }
        String build = hash(jar.getAbsolutePath()).substring(0, 12);
        Path archive = folder.resolve(build + "-" + hash(validity.toString()) + ".jsa");
        Path making =
                folder.resolve(
                        archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        return new ClassDataArchive(archive, making);
    }

    /**
     * The options for the child JVM: map the archive if there is one; else, for a run of the job
     * (the tools load other classes), make it.
     */
    List<String> options(boolean job) {
        if (Files.isReadable(archive)) {
            return List.of("-XX:SharedArchiveFile=" + archive, QUIET);
        }
        return job ? List.of("-XX:ArchiveClassesAtExit=" + making, QUIET) : List.of();
    }

    /**
     * After the child ended: keeps an archive it made on success (in place of this build's older
     * ones), drops it otherwise.
     */
    void childEnded(int exitCode) {
        if (!Files.exists(making)) {
            return;
        }
        try {
            if (exitCode != 0) {
                Files.deleteIfExists(making);
                return;
            }
            String build = archive.getFileName().toString().substring(0, 12);
            try (DirectoryStream<Path> older =
                    Files.newDirectoryStream(archive.getParent(), build + "-*.jsa")) {
                for (Path each : older) {
                    Files.deleteIfExists(each);
                }
            }
            Files.move(making, archive, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | SecurityException e) {
            // a cache: the next run makes it again
        }
    }

    private static List<File> withJar(File jar, File[] libJars) {
        List<File> all = new java.util.ArrayList<>(List.of(libJars));
        all.sort(java.util.Comparator.comparing(File::getName));
        all.add(0, jar);
        return all;
    }

    private static Path cacheFolder() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "meshflow");
        }
        String home = System.getProperty("user.home");
        return home == null || home.isBlank() ? null : Path.of(home, ".cache", "meshflow");
    }

    private static String hash(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
