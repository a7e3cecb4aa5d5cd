package dev.canopy.grid.internal.access;

import dev.canopy.grid.internal.engine.WorkerPool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A job's result future. Waiting on it from a worker thread (a task waiting for a nested job)
 * lends the worker's slot to a spare thread for the wait, so nested jobs cannot starve the pool.
 */
final class JobFuture<R> extends CompletableFuture<R> {

    @Override
    public R get() throws InterruptedException, ExecutionException {
        WorkerPool pool = WorkerPool.current();
        if (pool == null || isDone()) {
            return super.get();
        }
        return blockOn(pool, super::get);
    }

    @Override
    public R get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        WorkerPool pool = WorkerPool.current();
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
        WorkerPool pool = WorkerPool.current();
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
        return new JobFuture<>();
    }

    private R blockOn(WorkerPool pool, WorkerPool.BlockingCall<R> call) throws InterruptedException, ExecutionException {
        try {
            return pool.block(call);
        } catch (InterruptedException | ExecutionException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
