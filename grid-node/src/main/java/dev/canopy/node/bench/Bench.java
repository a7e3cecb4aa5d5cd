package dev.canopy.node.bench;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.canopy.grid.Grid;
import dev.canopy.grid.Job;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.Reducers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;

/**
 * The contenders of {@code bin/grid bench}, measured on the same members in the same run:
 * (a) a Canopy range job, (b) Hazelcast's {@code IExecutorService} with one submit per task,
 * (c) the same executor with one hand-made batch per member, (d) a parallel stream in this JVM.
 * Every contender runs {@link Work#run} and its sum is checked against {@link Work#expectedSum}.
 */
final class Bench {

    private static final long WAIT_MINUTES = 30;
    private static final int RAW_IN_FLIGHT = 2_000;

    private final Grid grid;
    private final HazelcastInstance hz;
    private final IExecutorService executor;

    /** @param hz a member or client of the same cluster as {@code grid}, for the raw executor contenders */
    Bench(Grid grid, HazelcastInstance hz) {
        this.grid = grid;
        this.hz = hz;
        this.executor = hz.getExecutorService("bench.raw");
    }

    /** Tasks per second of one contender. */
    record Rate(long tasks, double seconds) {
        double perSecond() {
            return tasks / seconds;
        }
    }

    /** (a) a Canopy range job submitted on the first node. */
    Rate canopy(long tasks, long costNanos) throws Exception {
        return timed("canopy", tasks, Job.rangeToLong(0, tasks, new Work.CanopyTask(costNanos)).name("bench"));
    }

    /** (a) with {@code Job.range} and a task returning a boxed {@code Long}, for comparison. */
    Rate canopyBoxed(long tasks, long costNanos) throws Exception {
        return timed("canopy (boxed)", tasks, Job.range(0, tasks, new Work.BoxedCanopyTask(costNanos)).name("bench-boxed"));
    }

    private Rate timed(String contender, long tasks, Job.Builder<Long, Void> job) throws Exception {
        long start = System.nanoTime();
        long sum = grid.submit(job.reduce(Reducers.sumLong()).build()).result().get(WAIT_MINUTES, TimeUnit.MINUTES);
        return checked(contender, tasks, sum, start);
    }

    /** (b) one {@code IExecutorService.submit} per task, at most {@value #RAW_IN_FLIGHT} in flight. */
    Rate rawPerTask(long tasks, long costNanos) throws Exception {
        long start = System.nanoTime();
        long sum = 0;
        List<Future<Long>> window = new ArrayList<>(RAW_IN_FLIGHT);
        for (long i = 0; i < tasks; i++) {
            window.add(executor.submit(new Work.OneTask(i, costNanos)));
            if (window.size() == RAW_IN_FLIGHT) {
                sum += drain(window);
            }
        }
        sum += drain(window);
        return checked("raw executor", tasks, sum, start);
    }

    /** (c) one {@code submitToMember} per member, each running a contiguous chunk. */
    Rate rawBatches(long tasks, long costNanos) throws Exception {
        long start = System.nanoTime();
        List<Member> members = new ArrayList<>(hz.getCluster().getMembers());
        List<Future<Long>> parts = new ArrayList<>();
        for (int m = 0; m < members.size(); m++) {
            long from = tasks * m / members.size();
            long to = tasks * (m + 1) / members.size();
            parts.add(executor.submitToMember(new Work.Chunk(from, to, costNanos), members.get(m)));
        }
        long sum = drain(parts);
        return checked("raw batches", tasks, sum, start);
    }

    /** (d) a parallel stream on this JVM's cores: the ceiling. */
    Rate localStream(long tasks, long costNanos) {
        long start = System.nanoTime();
        long sum = LongStream.range(0, tasks).parallel().map(i -> Work.run(i, costNanos)).sum();
        return checked("parallel stream", tasks, sum, start);
    }

    /** Submit-to-result of one-task Canopy jobs, in microseconds: p50 and p99. */
    double[] canopyLatency(int jobs) throws Exception {
        long[] micros = new long[jobs];
        for (int i = 0; i < jobs; i++) {
            long start = System.nanoTime();
            long value = grid.submit(Job.rangeToLong(i, i + 1L, new Work.CanopyTask(0))
                    .reduce(Reducers.sumLong()).name("latency").build()).result().get(1, TimeUnit.MINUTES);
            micros[i] = (System.nanoTime() - start) / 1_000;
            if (value != Work.mix(i)) {
                throw new IllegalStateException("one-task job " + i + " returned " + value);
            }
        }
        return percentiles(micros);
    }

    /**
     * Round trip of a raw executor call to a remote member, in microseconds: p50 and p99. Measured
     * on its own, not between Canopy jobs, whose bookkeeping would slow it down.
     */
    double[] rawLatency(int calls) throws Exception {
        Member remote = null;
        for (Member m : hz.getCluster().getMembers()) {
            if (!m.localMember()) {
                remote = m;
            }
        }
        long[] micros = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            executor.submitToMember(new Work.Ping(), remote).get(1, TimeUnit.MINUTES);
            micros[i] = (System.nanoTime() - start) / 1_000;
        }
        return percentiles(micros);
    }

    /** One job of {@code tasks} trivial tasks, with what its top driver handled and how its heap grew. */
    record Scale(long tasks, int depth, int leaves, long messages, long bytes, long heapGrowthBytes, double seconds) {
    }

    Scale scale(long tasks) throws Exception {
        // the top driver is known only once the job runs, so every member's counters are read before
        java.util.Map<java.util.UUID, long[]> before = new java.util.HashMap<>();
        java.util.Map<java.util.UUID, Long> heapBefore = new java.util.HashMap<>();
        for (Member m : hz.getCluster().getMembers()) {
            before.put(m.getUuid(), probe(m, new Probes.Counters()));
            heapBefore.put(m.getUuid(), probe(m, new Probes.LiveHeap())[0]);
        }
        long start = System.nanoTime();
        JobHandle<Long> job = grid.submit(Job.rangeToLong(0, tasks, new Work.CanopyTask(0))
                .reduce(Reducers.sumLong()).name("scale").build());
        Member driver = awaitTopDriver(job);
        long baseline = heapBefore.get(driver.getUuid());
        long peak = baseline;
        while (!job.result().isDone()) {
            peak = Math.max(peak, probe(driver, new Probes.LiveHeap())[0]);
            try {
                job.result().get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                // take another sample
            }
        }
        long sum = job.result().get(WAIT_MINUTES, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        checked("canopy", tasks, sum, start);
        peak = Math.max(peak, probe(driver, new Probes.LiveHeap())[0]);
        long[] after = probe(driver, new Probes.Counters());
        long[] was = before.get(driver.getUuid());
        var progress = job.progress();
        return new Scale(tasks, progress.depth(), progress.leaves(), (after[0] - was[0]) + (after[1] - was[1]),
                after[2] - was[2], Math.max(0, peak - baseline), seconds);
    }

    private Member awaitTopDriver(JobHandle<Long> job) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (var info : grid.jobs()) {
                if (info.id().equals(job.id()) && info.topDriver() != null) {
                    for (Member m : hz.getCluster().getMembers()) {
                        if (m.getUuid().equals(info.topDriver())) {
                            return m;
                        }
                    }
                }
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("job " + job.id() + " had no top driver after 30 s");
    }

    private long[] probe(Member member, java.util.concurrent.Callable<long[]> probe) throws Exception {
        return executor.submitToMember(probe, member).get(1, TimeUnit.MINUTES);
    }

    private static double[] percentiles(long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[sorted.length / 2], sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))]};
    }

    private static long drain(List<Future<Long>> futures) throws InterruptedException, ExecutionException, TimeoutException {
        long sum = 0;
        for (Future<Long> f : futures) {
            sum += f.get(WAIT_MINUTES, TimeUnit.MINUTES);
        }
        futures.clear();
        return sum;
    }

    private static Rate checked(String contender, long tasks, long sum, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long expected = Work.expectedSum(tasks);
        if (sum != expected) {
            throw new IllegalStateException(contender + " summed " + sum + " for " + tasks + " tasks, expected " + expected);
        }
        return new Rate(tasks, seconds);
    }
}
