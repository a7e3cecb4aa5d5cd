package dev.canopy.grid.internal.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Canopy's meters on one member, all tagged {@code member}; per-job meters also carry {@code job}
 * (the job's name, whose cardinality the user controls). Updated per leaf or per sub-job, never per
 * task, so metrics cost nothing on the hot path: task duration is the leaf's time over its tasks.
 */
final class GridMetrics {

    private final MeterRegistry registry;
    private final Tags member;
    private final Map<String, JobMeters> jobs = new ConcurrentHashMap<>();
    private final Counter delegated;
    private final Counter recoveries;
    private final Counter steals;
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder messageBytes = new LongAdder();
    private final DistributionSummary childrenPerDriver;
    private final DistributionSummary partialBytes;
    private final Map<dev.canopy.grid.JobState, AtomicLong> jobsByState = new EnumMap<>(dev.canopy.grid.JobState.class);

    GridMetrics(MeterRegistry registry, String memberId, WorkerPool workers) {
        this.registry = registry;
        this.member = Tags.of("member", memberId);
        Gauge.builder("canopy.leaves.queued", workers, WorkerPool::queued).tags(member)
                .description("Leaves waiting for a worker thread").register(registry);
        Gauge.builder("canopy.leaves.running", workers, WorkerPool::busy).tags(member)
                .description("Leaves running on worker threads").register(registry);
        Gauge.builder("canopy.workers.stuck", workers, WorkerPool::stuck).tags(member)
                .description("Worker threads abandoned to a task that ignored its cancel, still running it")
                .register(registry);
        Gauge.builder("canopy.workers.busy.ratio", workers, w -> (double) w.busy() / w.threads()).tags(member)
                .description("Share of worker threads running a leaf").register(registry);
        delegated = Counter.builder("canopy.subjobs.delegated").tags(member)
                .description("Sub-jobs this member created and delegated, as a driver").register(registry);
        recoveries = Counter.builder("canopy.recoveries").tags(member)
                .description("Sub-jobs this member re-delegated after their member left").register(registry);
        steals = Counter.builder("canopy.steals").tags(member)
                .description("Queued leaves this member handed to idle members").register(registry);
        FunctionCounter.builder("canopy.messages.sent", messagesSent, LongAdder::sum).tags(member)
                .description("Control messages this member sent").register(registry);
        FunctionCounter.builder("canopy.messages.received", messagesReceived, LongAdder::sum).tags(member)
                .description("Control messages this member handled").register(registry);
        childrenPerDriver = DistributionSummary.builder("canopy.driver.children").tags(member)
                .description("Children per driven sub-job").register(registry);
        partialBytes = DistributionSummary.builder("canopy.partials.sent.bytes").baseUnit("bytes").tags(member)
                .description("Serialized size of partial results sent up to another member").register(registry);
        for (dev.canopy.grid.JobState state : dev.canopy.grid.JobState.values()) {
            AtomicLong count = new AtomicLong();
            jobsByState.put(state, count);
            Gauge.builder("canopy.jobs", count, AtomicLong::get).tags(member.and("state", state.name()))
                    .description("Jobs whose record this member owns, by state").register(registry);
        }
    }

    /** Per-job-name meters. */
    private final class JobMeters {
        final LongAdder completed = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder retried = new LongAdder();
        final LongAdder taskNanos = new LongAdder();

        JobMeters(String job) {
            Tags tags = member.and("job", job);
            FunctionCounter.builder("canopy.tasks.completed", completed, LongAdder::sum).tags(tags)
                    .description("Tasks that succeeded on this member").register(registry);
            FunctionCounter.builder("canopy.tasks.failed", failed, LongAdder::sum).tags(tags)
                    .description("Task runs that threw on this member").register(registry);
            FunctionCounter.builder("canopy.tasks.retried", retried, LongAdder::sum).tags(tags)
                    .description("Task runs on this member that were retries").register(registry);
            FunctionTimer.builder("canopy.task.duration", this, m -> m.completed.sum() + m.failed.sum(),
                            m -> m.taskNanos.sum(), TimeUnit.NANOSECONDS).tags(tags)
                    .description("Task run time, measured per leaf and spread over its tasks").register(registry);
        }
    }

    void leafRan(String job, long succeeded, long failedTasks, boolean retry, long nanos) {
        JobMeters m = jobs.computeIfAbsent(job, JobMeters::new);
        m.completed.add(succeeded);
        m.failed.add(failedTasks);
        if (retry) {
            m.retried.add(succeeded + failedTasks);
        }
        m.taskNanos.add(nanos);
    }

    void delegated(int children) {
        delegated.increment(children);
        childrenPerDriver.record(children);
    }

    void recovered() {
        recoveries.increment();
    }

    void stole() {
        steals.increment();
    }

    void sent(long bytes) {
        messagesSent.increment();
        messageBytes.add(bytes);
    }

    void received() {
        messagesReceived.increment();
    }

    void partialSent(long bytes) {
        partialBytes.record(bytes);
    }

    long messagesSent() {
        return messagesSent.sum();
    }

    long messagesReceived() {
        return messagesReceived.sum();
    }

    long messageBytes() {
        return messageBytes.sum();
    }

    void jobsByState(Map<dev.canopy.grid.JobState, Long> counts) {
        for (Map.Entry<dev.canopy.grid.JobState, AtomicLong> e : jobsByState.entrySet()) {
            e.getValue().set(counts.getOrDefault(e.getKey(), 0L));
        }
    }
}
