package dev.canopy.node.recovery;

import dev.canopy.grid.Grid;
import dev.canopy.grid.IndexTask;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.Reducer;
import dev.canopy.grid.TaskContext;
import dev.canopy.node.process.NodeProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real deployment: four {@code grid node} JVMs on 127.0.0.1, a client, and {@code kill -9}
 * ({@link Process#destroyForcibly()}) of a worker, then of the top driver, in the middle of a job.
 * Each job's result must be exact with every task counted once.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ProcessKillIT {

    private static final int TASKS = 4_000;
    private NodeProcesses cluster;

    /**
     * Parks about four milliseconds and returns its index: the job lasts a few seconds, so the kill,
     * which follows a client's poll of its progress, lands while the victim still has work.
     */
    record SlowTask() implements IndexTask<Long> {
        @Override
        public Long run(long index, TaskContext ctx) {
            LockSupport.parkNanos(4_000_000);
            return index;
        }
    }

    /** Sums indices and sets a bit per index; a second contribution of any index fails the job. */
    static final class CountedOnce implements Reducer<Long, long[]> {
        @Override
        public long[] identity() {
            return new long[(TASKS + 63) / 64 + 1];
        }

        @Override
        public long[] accumulate(long[] acc, Long index) {
            BitSet bits = BitSet.valueOf(java.util.Arrays.copyOf(acc, acc.length - 1));
            if (bits.get(index.intValue())) {
                throw new IllegalStateException("index " + index + " counted twice");
            }
            int word = (int) (index / 64);
            acc[word] |= 1L << (index % 64);
            acc[acc.length - 1] += index;
            return acc;
        }

        @Override
        public long[] combine(long[] left, long[] right) {
            for (int i = 0; i < left.length - 1; i++) {
                if ((left[i] & right[i]) != 0) {
                    throw new IllegalStateException("an index was counted twice in word " + i);
                }
                left[i] |= right[i];
            }
            left[left.length - 1] += right[right.length - 1];
            return left;
        }
    }

    @BeforeEach
    void startNodes() {
        cluster = NodeProcesses.start(4, new NodeProcesses.Setup(Path.of("target", "it-logs"), "1g", Map.of()), System.out);
    }

    @AfterEach
    void stopNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void whenWorkerProcessIsKilledMidJob_thenResultIsExactAndCountedOnce() throws Exception {
        // given: a job spread over four node processes
        Grid grid = cluster.client();
        JobHandle<long[]> job = grid.submit(job());
        UUID top = awaitRunning(grid, job);

        // when: a node that is not the top driver is killed with -9 mid-job
        int victim = (cluster.indexOf(top) + 1) % cluster.size();
        cluster.node(victim).kill();
        long doneAtKill = job.progress().done();
        assertTrue(doneAtKill < TASKS / 2, "the kill came mid-job: " + doneAtKill + " of " + TASKS + " tasks done");

        // then
        assertCountedOnce(job.result().get(3, TimeUnit.MINUTES));
        assertTrue(job.progress().retried() > 0, "the killed node's leaves ran again: " + job.progress());
    }

    @Test
    void whenTopDriverProcessIsKilledMidJob_thenClientHandleCompletesExactly() throws Exception {
        // given
        Grid grid = cluster.client();
        JobHandle<long[]> job = grid.submit(job());
        UUID top = awaitRunning(grid, job);

        // when: the top driver's process is killed with -9 mid-job
        cluster.node(cluster.indexOf(top)).kill();

        // then: the client's handle completes with the exact result, driven by another member
        assertCountedOnce(job.result().get(3, TimeUnit.MINUTES));
        UUID newTop = info(grid, job).topDriver();
        assertNotNull(newTop);
        assertNotEquals(top, newTop, "another member took the top-driver role");
    }

    private static Job<Long, long[]> job() {
        return Job.range(0, TASKS, new SlowTask()).reduce(new CountedOnce()).leafSize(50).fanOut(4).name("kill-it").build();
    }

    /** Waits, with a deadline, until the job has a top driver and some of its leaves are done. */
    private UUID awaitRunning(Grid grid, JobHandle<long[]> job) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JobInfo info = info(grid, job);
            if (info != null && info.topDriver() != null && job.progress().done() >= TASKS / 10) {
                return info.topDriver();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        throw new AssertionError("job " + job.id() + " did not get going within 60 s: " + job.progress());
    }

    private static JobInfo info(Grid grid, JobHandle<?> job) {
        for (JobInfo info : grid.jobs()) {
            if (info.id().equals(job.id())) {
                return info;
            }
        }
        return null;
    }

    private static void assertCountedOnce(long[] result) {
        BitSet bits = BitSet.valueOf(java.util.Arrays.copyOf(result, result.length - 1));
        assertEquals(TASKS, bits.cardinality(), "every task counted");
        assertEquals((long) TASKS * (TASKS - 1) / 2, result[result.length - 1], "the exact sum");
    }
}
