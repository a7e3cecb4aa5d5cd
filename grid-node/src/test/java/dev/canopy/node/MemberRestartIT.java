package dev.canopy.node;

import dev.canopy.grid.GridClient;
import dev.canopy.grid.IndexTask;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.Reducers;
import dev.canopy.node.process.NodeProcess;
import dev.canopy.node.process.NodeProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member is killed ({@code kill -9}) while a client's job runs, and a new process takes its
 * place: the client still gets the job's exact result, through the handle it had and through
 * {@code job(id)}.
 */
class MemberRestartIT {

    private static final long TASKS = 6_000;
    private static final long TASK_MILLIS = 10;

    private NodeProcesses cluster;

    @AfterEach
    void stopNodes() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Takes {@code millis} of wall time per task (the nodes have two worker threads each) and returns its index. */
    record SlowTask(long millis) implements IndexTask<Long> {
        @Override
        public Long run(long index, dev.canopy.grid.TaskContext ctx) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() < end && !ctx.isCancelled()) {
                LockSupport.parkNanos(end - System.nanoTime());
            }
            return index;
        }
    }

    @Test
    void whenANonDriverMemberIsKilledAndRestarted_thenTheClientStillGetsTheResult() throws Exception {
        // given: three nodes and a job of about 10 s on their six worker threads
        // (start returns once the backups are in sync: a member killed before that could take the only copy of a record)
        cluster = ItCluster.start(3);
        try (GridClient client = GridClient.connect(cluster.clientConfig())) {
            JobHandle<Long> handle = client.submit(Job.range(0, TASKS, new SlowTask(TASK_MILLIS))
                    .reduce(Reducers.sumLong()).name("it-restart").build());
            UUID topDriver = awaitRunning(client, handle);
            NodeProcess victim = cluster.nodes().stream().filter(n -> !n.memberId().equals(topDriver))
                    .findFirst().orElseThrow();

            // when: a member that does not drive the job dies while it runs, and a new one starts
            assertFalse(handle.result().isDone(), "the job must still run when the member is killed");
            victim.kill();
            NodeProcess replacement = cluster.restart(cluster.nodes().indexOf(victim));
            replacement.awaitReady();
            assertNotEquals(victim.memberId(), replacement.memberId());

            // then
            long expected = TASKS * (TASKS - 1) / 2;
            assertEquals(expected, handle.result().get(3, TimeUnit.MINUTES));
            @SuppressWarnings("unchecked")
            JobHandle<Long> reattached = (JobHandle<Long>) client.job(handle.id()).orElseThrow();
            assertEquals(expected, reattached.result().get(1, TimeUnit.MINUTES));
            JobProgress progress = handle.progress();
            assertEquals(TASKS, progress.total());
            assertEquals(TASKS, progress.done());
            assertEquals(0, progress.failed());
        }
    }

    /** Polls, with a deadline, until the job has a top driver and tasks running or done; returns the driver. */
    private static UUID awaitRunning(GridClient client, JobHandle<Long> handle) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JobInfo info = client.jobs().stream().filter(j -> j.id().equals(handle.id())).findFirst().orElse(null);
            if (info != null && info.topDriver() != null) {
                JobProgress p = handle.progress();
                if (p.running() > 0 || p.done() > 0) {
                    assertTrue(p.done() < p.total(), "the job finished before a member could be killed: " + p);
                    return info.topDriver();
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));     // poll interval of a bounded wait
        }
        throw new AssertionError("job " + handle.id() + " did not start running within 60 s");
    }
}
