package dev.canopy.grid.internal.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Whether this member can go on after a task threw a {@link VirtualMachineError}. The task fails
 * either way (its driver retries it elsewhere); this decides what the error says of the member.
 *
 * <p>An {@link OutOfMemoryError} impairs the member when the memory really ran out: the heap was
 * nearly full after the collection that gave up, or another resource than the heap ran out
 * (metaspace, direct memory, native threads). One that did not exhaust anything (a too-large
 * array, or an error a task threw itself) is just the task's failure. Other virtual-machine errors
 * are the task's own. The first impairing error is kept and handed, once, to whoever asked to hear
 * of it: {@code bin/grid node} stops its JVM cleanly then, so its work is recovered elsewhere; an
 * embedded node never ends its host's JVM, it says so in the log and {@code GridNode.fatalError()}
 * reports it.
 *
 * <p>Threads: any. Errors are logged once: the first in full, later ones at debug level.
 */
final class MemberHealth {

    private static final Logger LOG = LoggerFactory.getLogger(MemberHealth.class);
    /** A heap pool this full after a collection means the heap, not one allocation, ran out. */
    private static final double EXHAUSTED_SHARE = 0.9;

    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final List<Consumer<? super Throwable>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean logged = new AtomicBoolean();

    /** A task of {@code job} threw {@code error}, a virtual-machine error other than a stack overflow. */
    void taskThrew(VirtualMachineError error, String job, String task) {
        boolean impairs = impairs(error);
        if (logged.compareAndSet(false, true)) {
            LOG.error("Task {} of job {} threw {}: the task fails{}", task, job, error,
                    impairs ? "; this member ran out of memory" : "", error);
        } else {
            LOG.debug("Task {} of job {} threw {}", task, job, error);
        }
        if (impairs) {
            impaired(error);
        }
    }

    /** The error that impaired this member, if one did. */
    Optional<Throwable> fatalError() {
        return Optional.ofNullable(fatal.get());
    }

    /** Runs {@code listener} once when this member is impaired (at once, on this thread, if it is already). */
    void onFatalError(Consumer<? super Throwable> listener) {
        listeners.add(listener);
        Throwable already = fatal.get();
        if (already != null && listeners.remove(listener)) {
            listener.accept(already);
        }
    }

    private void impaired(Throwable error) {
        if (!fatal.compareAndSet(null, error)) {
            return;
        }
        if (listeners.isEmpty()) {
            LOG.error("This member is impaired by {}; it keeps running, as it was not started by Canopy and its"
                    + " host decides (GridNode.fatalError() reports it)", error.toString());
        }
        for (Consumer<? super Throwable> listener : listeners) {
            if (listeners.remove(listener)) {
                try {
                    listener.accept(error);
                } catch (RuntimeException e) {
                    LOG.warn("A fatal-error listener failed", e);
                }
            }
        }
    }

    /** Whether {@code error} says this member, not just the task, is in trouble. */
    static boolean impairs(VirtualMachineError error) {
        if (!(error instanceof OutOfMemoryError)) {
            return false;
        }
        String message = String.valueOf(error.getMessage());
        if (message.contains("Requested array size exceeds VM limit")) {
            return false;
        }
        if (message.contains("Metaspace") || message.contains("Compressed class space")
                || message.contains("Direct buffer memory") || message.contains("native thread")) {
            return true;
        }
        return heapNearlyFull();
    }

    /**
     * True when a heap pool was nearly full of live objects after its last collection, or the heap
     * as a whole is nearly full now: what a heap that ran out looks like, and what one large
     * allocation that failed, or an error thrown by hand, does not. (A pool's current use is not
     * asked: the young generation is nearly full before every collection.)
     */
    private static boolean heapNearlyFull() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid() && pool.isCollectionUsageThresholdSupported()
                    && nearlyFull(pool.getCollectionUsage())) {
                return true;
            }
        }
        return nearlyFull(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage());
    }

    private static boolean nearlyFull(MemoryUsage usage) {
        return usage != null && usage.getMax() > 0 && usage.getUsed() >= EXHAUSTED_SHARE * usage.getMax();
    }
}
