package io.meshflow.job.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the shared Kafka broker and PostgreSQL server once every test of the JVM has run, before
 * the JVM exits. Left to shutdown hooks, their slow shutdown races the test runner's own exit.
 */
public final class CloseFixtures implements LauncherSessionListener {
    @Override
    public void launcherSessionClosed(LauncherSession session) {
        Kafka.close();
        Postgres.close();
    }
}
