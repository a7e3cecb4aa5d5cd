package dev.canopy.examples;

import dev.canopy.grid.Grid;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.JobHandle;
import com.hazelcast.core.HazelcastInstance;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small helpers the examples share: a bounded wait for a result, and the Hazelcast under a grid. */
final class Jobs {

    /** The longest an example waits for one job's result before it cancels the job. */
    static final Duration RESULT_TIMEOUT = Duration.ofMinutes(10);

    private Jobs() {
    }

    /**
     * The job's result, waiting at most {@code timeout}. A failed job throws its
     * {@link dev.canopy.grid.JobFailedException} (not wrapped); a job without a result in time is
     * cancelled and a {@link TimeoutException} naming it is thrown.
     */
    static <R> R await(JobHandle<R> handle, Duration timeout) throws Exception {
        try {
            return handle.result().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (TimeoutException e) {
            handle.cancel();
            TimeoutException named = new TimeoutException("job " + handle.id() + " gave no result within " + timeout
                    + "; it was cancelled");
            named.initCause(e);
            throw named;
        }
    }

    /** {@link #await(JobHandle, Duration)} with {@link #RESULT_TIMEOUT}. */
    static <R> R await(JobHandle<R> handle) throws Exception {
        return await(handle, RESULT_TIMEOUT);
    }

    /** The Hazelcast member or client under {@code grid}, to read and write the example's own data. */
    static HazelcastInstance hazelcastOf(Grid grid, String example) {
        if (grid instanceof GridNode node) {
            return node.hazelcast();
        }
        if (grid instanceof GridClient client) {
            return client.hazelcast();
        }
        throw new IllegalArgumentException(example + " loads data into the grid and needs a GridNode or a GridClient,"
                + " but was given " + (grid == null ? "null" : grid.getClass().getName()));
    }

    /** Milliseconds since {@code startNanos}, for the examples' timings. */
    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
