package io.meshflow.job.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the shared Kafka broker and PostgreSQL server once every test of the JVM has run, before
 * the JVM exits: the one place they are stopped (registered in {@code
 * META-INF/services/org.junit.platform.launcher.LauncherSessionListener}, for surefire and failsafe
 * alike). Shutdown hooks would race the test runner's own exit with their slow shutdown.
 */
public final class CloseFixtures implements LauncherSessionListener {
    @Override
    public void launcherSessionClosed(LauncherSession session) {
        Kafka.close();
        Postgres.close();
    }
}
