package dev.canopy.grid.internal.access;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A job's result future. Waiting on it from a worker thread (a task waiting for a nested job)
 * lends the worker's slot to a spare thread for the wait (see {@link ManagedBlocking}), so nested
 * jobs cannot starve the pool.
 */
final class JobFuture<R> extends CompletableFuture<R> {

    /** Reads a result of a job that ships code (see {@code UserValue}): the submitter's, or the caller's, loader. */
    final ClassLoader loader;

    JobFuture(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public R get() throws InterruptedException, ExecutionException {
        ManagedBlocking.Pool pool = ManagedBlocking.current();
        if (pool == null || isDone()) {
            return super.get();
        }
        try {
            return pool.block(super::get);
        } catch (InterruptedException | ExecutionException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public R get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        ManagedBlocking.Pool pool = ManagedBlocking.current();
        if (pool == null || isDone()) {
            return super.get(timeout, unit);
        }
        try {
            return pool.block(() -> super.get(timeout, unit));
        } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public R join() {
        ManagedBlocking.Pool pool = ManagedBlocking.current();
        if (pool == null || isDone()) {
            return super.join();
        }
        try {
            return pool.block(super::join);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new JobFuture<>(loader);
    }
}
