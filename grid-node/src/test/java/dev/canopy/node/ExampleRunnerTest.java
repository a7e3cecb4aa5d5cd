package dev.canopy.node;

import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.GraphId;
import dev.canopy.grid.GraphInfo;
import dev.canopy.grid.Grid;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobGraph;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;
import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.Topology;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ExampleRunner.JobsFollower}, stepped by hand against a grid whose jobs the test sets. */
class ExampleRunnerTest {

    private static final String NL = System.lineSeparator();
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream target = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final FakeGrid grid = new FakeGrid();

    private final JobId old = JobId.newId();
    private final JobId pi = JobId.newId();
    private final JobId sort = JobId.newId();

    private ExampleRunner.JobsFollower follower(ProgressBar.Mode mode) {
        return new ExampleRunner.JobsFollower(grid, target, mode, nanos::get);
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void whenTheFollowedJobHasEndedAndTheExamplePrints_thenTheBarsLineEndsFirst() {
        // given: a TTY bar of pi at half way; "old" was running before following began
        grid.set(old, "old", JobState.RUNNING, 1, 10, 0);
        ExampleRunner.JobsFollower follower = follower(ProgressBar.Mode.TTY);
        FakeJob job = grid.set(pi, "pi", JobState.RUNNING, 50, 100, 1);
        follower.poll();
        assertTrue(printed().startsWith("\rpi [") && printed().contains("50/100 tasks"), printed());

        // when: pi completes and the example prints its result before the next poll
        grid.set(pi, "pi", JobState.COMPLETED, 100, 100, 1);
        job.result.complete(42L);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        follower.out().printf("pi: estimate %.2f%n", 3.14);
        follower.close();

        // then
        String text = printed();
        assertTrue(text.endsWith("] 100%  100/100 tasks  100 tasks/s  done in 1s" + NL + "pi: estimate 3.14" + NL), text);
        assertFalse(text.contains("old"), text);
    }

    @Test
    void whenTheExampleWakesBeforeTheFollowersHandle_thenTheGridsStateEndsTheBarFirst() {
        // given
        ExampleRunner.JobsFollower follower = follower(ProgressBar.Mode.TTY);
        grid.set(pi, "pi", JobState.RUNNING, 50, 100, 1);
        follower.poll();

        // when: the grid lists pi as ended, but the follower's handle has not heard yet
        grid.set(pi, "pi", JobState.COMPLETED, 100, 100, 1);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
        follower.out().println("pi: estimate");

        // then
        assertTrue(printed().endsWith("100/100 tasks  50 tasks/s  done in 2s" + NL + "pi: estimate" + NL), printed());
    }

    @Test
    void whenTheExamplePrintsWhileTheJobRuns_thenTheBarIsErasedAndDrawnAgainBelow() {
        ExampleRunner.JobsFollower follower = follower(ProgressBar.Mode.TTY);
        grid.set(pi, "pi", JobState.RUNNING, 50, 100, 1);
        follower.poll();
        String bar = printed();
        bytes.reset();

        follower.out().println("pi: halfway");
        follower.poll();

        assertEquals("\r" + " ".repeat(bar.length() - 1) + "\r" + "pi: halfway" + NL + bar, printed());
    }

    @Test
    void whenTheExampleIsInTheMiddleOfALine_thenNothingIsDrawn() {
        ExampleRunner.JobsFollower follower = follower(ProgressBar.Mode.TTY);
        follower.out().print("pi: counting... ");
        grid.set(pi, "pi", JobState.RUNNING, 50, 100, 1);

        follower.poll();
        assertEquals("pi: counting... ", printed());

        follower.out().println("done");
        follower.poll();
        assertTrue(printed().startsWith("pi: counting... done" + NL + "\rpi ["), printed());
    }

    @Test
    void whenTheFollowedJobEnds_thenTheNewestRunningJobIsFollowedNext() {
        // given: plain lines; sort is newer than pi
        ExampleRunner.JobsFollower follower = follower(ProgressBar.Mode.PLAIN);
        grid.set(pi, "pi", JobState.RUNNING, 10, 100, 1);
        FakeJob sortJob = grid.set(sort, "sort", JobState.RUNNING, 5, 50, 2);
        follower.poll();

        // when: sort ends after 1 s, then pi runs on for 2 s
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
        grid.set(sort, "sort", JobState.COMPLETED, 50, 50, 2);
        sortJob.result.complete(7L);
        grid.set(pi, "pi", JobState.RUNNING, 20, 100, 1);
        follower.poll();
        follower.poll();
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
        grid.set(pi, "pi", JobState.RUNNING, 60, 100, 1);
        follower.poll();
        follower.close();

        // then: sort's last line, pi's line after 2 s, and pi's last known state when following stops
        assertEquals("sort 100%  50/50 tasks  50 tasks/s  done in 1s" + NL
                + "pi  60%  60/100 tasks  30 tasks/s  ETA 1s" + NL
                + "pi  60%  60/100 tasks  30 tasks/s  ETA 1s" + NL, printed());
    }

    @Test
    void whenPlainAndNoLineIsDue_thenTheJobsProgressIsNotRead() {
        // given: pi followed from 0 s
        ExampleRunner.JobsFollower follower = follower(ProgressBar.Mode.PLAIN);
        FakeJob job = grid.set(pi, "pi", JobState.RUNNING, 10, 100, 1);
        follower.poll();

        // when: polled four times a second for under 2 s, then once at 2 s
        for (int i = 0; i < 7; i++) {
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));
            follower.poll();
        }
        long readsBeforeTheLine = job.progressReads.get();
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));
        grid.set(pi, "pi", JobState.RUNNING, 40, 100, 1);
        follower.poll();

        // then
        assertEquals(0, readsBeforeTheLine);
        assertEquals(1, job.progressReads.get());
        assertEquals("pi  40%  40/100 tasks  20 tasks/s  ETA 3s" + NL, printed());
    }

    @Test
    void whenQuiet_thenTheExamplePrintsToItsStreamDirectlyAndTheGridIsNotRead() {
        ExampleRunner.JobsFollower follower = ExampleRunner.JobsFollower.start(grid, target, ProgressBar.Mode.QUIET);

        follower.out().println("pi: estimate");
        follower.close();

        assertEquals("pi: estimate" + NL, printed());
        assertEquals(0, grid.reads.get());
    }

    @Test
    void whenTheGridHangs_thenCloseReturnsWithinTheJoinBound() throws InterruptedException {
        // given: after the first read, every read blocks and ignores interrupts
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        grid.hang = () -> {
            entered.countDown();
            boolean interrupted = false;
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        };
        ExampleRunner.JobsFollower follower = ExampleRunner.JobsFollower.start(grid, target, ProgressBar.Mode.PLAIN);
        try {
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the poller reads the grid");

            // when / then
            assertTimeout(Duration.ofMillis(ExampleRunner.JobsFollower.JOIN_TIMEOUT_MILLIS + 3_000), follower::close);
        } finally {
            release.countDown();
        }
    }

    /** A grid that only lists jobs, the ones the test sets, and hands out their handles. */
    private static final class FakeGrid implements Grid {
        final Map<JobId, FakeJob> jobs = new ConcurrentHashMap<>();
        final AtomicLong reads = new AtomicLong();
        volatile Runnable hang;

        /** Lists job {@code id} with this state and progress, submitted {@code second}s after T0. */
        FakeJob set(JobId id, String name, JobState state, long done, long total, int second) {
            FakeJob job = jobs.computeIfAbsent(id, FakeJob::new);
            job.info = new JobInfo(id, name, state, new JobProgress(total, done, 0, 0, 0, 1, 1), T0.plusSeconds(second),
                    null);
            return job;
        }

        @Override
        public List<JobInfo> jobs() {
            Runnable h = hang;
            if (reads.incrementAndGet() > 1 && h != null) {
                h.run();
            }
            return jobs.values().stream().map(job -> job.info).toList();
        }

        @Override
        public Optional<JobHandle<?>> job(JobId id) {
            return Optional.ofNullable(jobs.get(id));
        }

        @Override
        public <R> JobHandle<R> submit(Job<?, R> job) {
            throw new UnsupportedOperationException();
        }

        @Override
        public GraphHandle submit(JobGraph graph) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<GraphHandle> graph(GraphId id) {
            return Optional.empty();
        }

        @Override
        public List<GraphInfo> graphs() {
            return List.of();
        }

        @Override
        public Topology topology() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    /** A job's handle reading what the test set; its result completes when the test says so. */
    private static final class FakeJob implements JobHandle<Object> {
        final CompletableFuture<Object> result = new CompletableFuture<>();
        final AtomicLong progressReads = new AtomicLong();
        final JobId id;
        volatile JobInfo info;

        FakeJob(JobId id) {
            this.id = id;
        }

        @Override
        public JobId id() {
            return id;
        }

        @Override
        public CompletableFuture<Object> result() {
            return result;
        }

        @Override
        public JobProgress progress() {
            progressReads.incrementAndGet();
            return info.progress();
        }

        @Override
        public JobState state() {
            return info.state();
        }

        @Override
        public List<TaskFailure> failures() {
            return List.of();
        }

        @Override
        public boolean cancel() {
            return false;
        }
    }
}
