package dev.canopy.grid;

import dev.canopy.grid.internal.spec.Errors;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The waits of the cluster tests, every one with a deadline: conditions are polled (never slept
 * on), futures are awaited with a bound, and running out of time fails the test with what it waited for.
 */
public final class Await {

    /** The longest a test waits for a condition or, unless it says otherwise, a job's result. */
    public static final Duration WAIT = Duration.ofSeconds(60);

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private Await() {
    }

    /** Polls {@code condition} until it holds, failing the test after {@link #WAIT}. */
    public static void awaitTrue(String what, BooleanSupplier condition) {
        awaitTrue(what, condition, WAIT);
    }

    /** Polls {@code condition} until it holds, failing the test after {@code timeout}. */
    public static void awaitTrue(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /**
     * Polls {@code find} until it returns something other than null, and returns that; fails the
     * test after {@link #WAIT}. {@code find} may fail the test itself, e.g. when what it looks for
     * can no longer come.
     */
    public static <T> T awaitFound(String what, Supplier<T> find) {
        Object[] found = new Object[1];
        awaitTrue(what, () -> (found[0] = find.get()) != null);
        @SuppressWarnings("unchecked")
        T value = (T) found[0];
        return value;
    }

    /** The future's value, waiting at most {@code timeout}; any other outcome fails the test. */
    public static <T> T awaitResult(CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a job's result", e);
        } catch (ExecutionException e) {
            throw new AssertionError("expected a result, but the job failed with " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            throw new AssertionError("expected a result, but the job was cancelled: " + e, e);
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + timeout, e);
        }
    }

    /**
     * How the future failed, waiting at most {@link #WAIT}: the {@link CancellationException} it was
     * cancelled with, or its exception with {@link CompletionException} / {@link ExecutionException}
     * wrappers removed. Fails the test when the future completes normally or not in time.
     */
    public static Throwable awaitFailure(CompletableFuture<?> future) {
        Object value;
        try {
            value = future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a job's result", e);
        } catch (CancellationException e) {
            return e;
        } catch (ExecutionException e) {
            return Errors.peel(e);
        } catch (TimeoutException e) {
            throw new AssertionError("the job neither failed nor completed within " + WAIT, e);
        }
        return fail("expected the job to fail, but it completed with " + value);
    }
}
