package dev.canopy.node;

import dev.canopy.grid.spi.TaskThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.Permission;

/**
 * Refuses {@code System.exit} and {@code Runtime.halt} to tasks, so a task that calls them fails
 * (with a {@link SecurityException}, retried elsewhere like any failure) instead of ending its node.
 *
 * <p>How far Java 17 lets us go: the one hook the JDK calls before exiting is
 * {@link SecurityManager#checkExit}, and a security manager is deprecated for removal (JEP 411).
 * Java 17 installs one with a warning on standard error; Java 18 and later refuse unless the JVM
 * runs with {@code -Djava.security.manager=allow} ({@code bin/grid} passes it). This manager allows
 * every permission but exiting from a task's thread (a worker thread, or one a task started), so
 * it costs a no-op call where the JDK checks a permission. It cannot stop what never asks: a crash
 * of the JVM, native code calling {@code exit}, a signal, or a task exhausting memory. Those are
 * bounded instead by counting a leaf that was running on a member that left as an attempt of its
 * tasks.
 *
 * <p>Only for a JVM Canopy owns ({@code bin/grid node}, key {@code exitGuard}): a service that
 * embeds a node keeps its own policy.
 */
final class ExitGuard extends SecurityManager {

    private static final Logger LOG = LoggerFactory.getLogger(ExitGuard.class);

    private ExitGuard() {
    }

    /** Installs the guard; false, said in the log, when this JVM does not allow it. */
    @SuppressWarnings("removal")
    static boolean install() {
        try {
            System.setSecurityManager(new ExitGuard());
            return true;
        } catch (UnsupportedOperationException | SecurityException e) {
            LOG.warn("exitGuard is on but this JVM refuses a security manager ({}): tasks can end this node's JVM."
                    + " Run Java 18 or later with -Djava.security.manager=allow, or set exitGuard: false", e.toString());
            return false;
        }
    }

    @Override
    public void checkExit(int status) {
        if (TaskThreads.isTaskThread(Thread.currentThread())) {
            throw new SecurityException("a task may not end its node's JVM (System.exit(" + status + ") or"
                    + " Runtime.halt): exitGuard is on; throw an exception to fail the task instead");
        }
    }

    @Override
    public void checkPermission(Permission permission) {
        // everything else is allowed: this manager guards exits only
    }

    @Override
    public void checkPermission(Permission permission, Object context) {
        // as above
    }
}
