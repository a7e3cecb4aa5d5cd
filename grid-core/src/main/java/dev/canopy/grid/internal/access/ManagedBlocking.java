package dev.canopy.grid.internal.access;

/**
 * How a thread pool lends a thread's slot while the thread waits for a job's result, as
 * {@link java.util.concurrent.ForkJoinPool.ManagedBlocker} does: a task that waits for a nested
 * job must not hold one of the pool's few workers, or nested jobs deeper than the pool would
 * deadlock. A pool registers itself on each of its threads; {@link JobFuture} asks for it here, so
 * the shared access code needs no reference to the engine's pool.
 */
public final class ManagedBlocking {

    /** A pool that can run a blocking call while another thread takes the caller's slot. */
    public interface Pool {
        <T> T block(Call<T> waiting) throws Exception;
    }

    /** A wait that may throw. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws Exception;
    }

    private static final ThreadLocal<Pool> CURRENT = new ThreadLocal<>();

    private ManagedBlocking() {
    }

    /** Marks the calling thread as a worker of {@code pool}, until {@link #leave()}. */
    public static void enter(Pool pool) {
        CURRENT.set(pool);
    }

    public static void leave() {
        CURRENT.remove();
    }

    /** The pool whose worker is the calling thread, or null. */
    static Pool current() {
        return CURRENT.get();
    }
}
