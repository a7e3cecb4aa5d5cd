package dev.canopy.grid.internal.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Canopy's meters on one member, all tagged {@code member}; per-job meters also carry {@code job}
 * (the job's name, whose cardinality the user controls). Updated per leaf or per sub-job, never per
 * task, so metrics cost nothing on the hot path: task duration is the leaf's time over its tasks.
 *
 * <p>Per-job meters are bounded, as a grid may run thousands of uniquely named jobs and each name
 * would otherwise stay four series for ever. At most {@code metricsJobNames} names are tagged at
 * once, first come first served; leaves of jobs of further names (and of a job named
 * {@value #OTHER}) count under {@code job="other"}. A name's meters are removed from the registry
 * once no job of that name has been active on this member for {@code metricsJobExpiry}, which
 * frees its slot; so do {@code other}'s. Active means this member holds the job ({@link LocalJobs})
 * or runs a leaf of it: a leaf stamps its name, {@link LocalJobs} says when a job ends here
 * ({@link #jobEnded}), and the watchdog's {@link #expireIdleJobs} (on the engine's timer, every
 * {@link #expirySweepMillis()}) stamps the names of the jobs still held and removes the idle ones.
 * A name that comes back after it expired starts again from zero, as a counter does after a
 * restart. While over the cap, a name keeps counting under {@code other} until a slot frees; then
 * its next leaf may take the slot, so one name's counts can be split between the two.
 *
 * <p>Threads: leaves are counted on worker threads, jobs end on Hazelcast event and timer threads,
 * the sweep runs on the timer. The per-job meters are guarded by one lock, taken once per leaf (not
 * per task) for a few additions, so that a sweep can never remove meters a leaf is counting into.
 */
final class GridMetrics {

    /** The {@code job} tag of the meters shared by the job names past the cap. */
    static final String OTHER = "other";
    /** The expiry sweep runs every tenth of the expiry, within these bounds. */
    private static final long MIN_SWEEP_MILLIS = 1_000;
    private static final long MAX_SWEEP_MILLIS = 60_000;

    private final MeterRegistry registry;
    private final Tags member;
    private final int maxJobNames;
    private final long jobExpiryMillis;
    /** Wall-clock milliseconds; injected so that tests can expire meters without waiting. */
    private final LongSupplier clock;
    /** Guarded by itself, as is {@link #other}: the tagged job names and their meters. */
    private final Map<String, JobMeters> named = new HashMap<>();
    private JobMeters other;
    private final Counter delegated;
    private final Counter recoveries;
    private final Counter steals;
    private final LongAdder messagesSent = new LongAdder();
    private final LongAdder messagesReceived = new LongAdder();
    private final LongAdder messageBytes = new LongAdder();
    private final DistributionSummary childrenPerDriver;
    private final DistributionSummary partialBytes;
    private final Map<dev.canopy.grid.JobState, AtomicLong> jobsByState = new EnumMap<>(dev.canopy.grid.JobState.class);

    /**
     * @param maxJobNames     most job names tagged at once ({@code metricsJobNames}); 0 counts every job as other
     * @param jobExpiryMillis how long a name's meters outlive its last active job ({@code metricsJobExpiry})
     */
    GridMetrics(MeterRegistry registry, String memberId, WorkerPool workers, int maxJobNames, long jobExpiryMillis) {
        this(registry, memberId, workers, maxJobNames, jobExpiryMillis, System::currentTimeMillis);
    }

    GridMetrics(MeterRegistry registry, String memberId, WorkerPool workers, int maxJobNames, long jobExpiryMillis,
                LongSupplier clock) {
        if (maxJobNames < 0) {
            throw new IllegalArgumentException("metricsJobNames must be >= 0 but was " + maxJobNames
                    + ": set 0 to count every job under job=\"other\"");
        }
        if (jobExpiryMillis <= 0) {
            throw new IllegalArgumentException("metricsJobExpiry must be positive but was " + jobExpiryMillis
                    + " ms: set how long a job name's meters outlive its last job, e.g. 10m");
        }
        this.registry = registry;
        this.member = Tags.of("member", memberId);
        this.maxJobNames = maxJobNames;
        this.jobExpiryMillis = jobExpiryMillis;
        this.clock = clock;
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

    /** The meters of one job name (or of {@link #OTHER}); guarded by the lock on {@link #named}. */
    private final class JobMeters {
        final LongAdder completed = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder retried = new LongAdder();
        final LongAdder taskNanos = new LongAdder();
        final List<Meter> meters;
        /** When a job of this name was last seen active here. */
        long lastActiveMillis;

        JobMeters(String job, long now) {
            Tags tags = member.and("job", job);
            meters = List.of(
                    FunctionCounter.builder("canopy.tasks.completed", completed, LongAdder::sum).tags(tags)
                            .description("Tasks that succeeded on this member").register(registry),
                    FunctionCounter.builder("canopy.tasks.failed", failed, LongAdder::sum).tags(tags)
                            .description("Task runs that threw on this member").register(registry),
                    FunctionCounter.builder("canopy.tasks.retried", retried, LongAdder::sum).tags(tags)
                            .description("Task runs on this member that were retries").register(registry),
                    FunctionTimer.builder("canopy.task.duration", this, m -> m.completed.sum() + m.failed.sum(),
                                    m -> m.taskNanos.sum(), TimeUnit.NANOSECONDS).tags(tags)
                            .description("Task run time, measured per leaf and spread over its tasks")
                            .register(registry));
            lastActiveMillis = now;
        }

        void remove() {
            meters.forEach(registry::remove);
        }
    }

    /** Counts a leaf's tasks under its job's name, or under {@link #OTHER} when the name has no slot. */
    void leafRan(String job, long succeeded, long failedTasks, boolean retry, long nanos) {
        long now = clock.getAsLong();
        synchronized (named) {
            JobMeters m = metersFor(job, now);
            m.lastActiveMillis = now;
            m.completed.add(succeeded);
            m.failed.add(failedTasks);
            if (retry) {
                m.retried.add(succeeded + failedTasks);
            }
            m.taskNanos.add(nanos);
        }
    }

    /** Guarded by {@link #named}. */
    private JobMeters metersFor(String job, long now) {
        JobMeters m = named.get(job);
        if (m != null) {
            return m;
        }
        if (named.size() < maxJobNames && !OTHER.equals(job)) {
            m = new JobMeters(job, now);
            named.put(job, m);
            return m;
        }
        if (other == null) {
            other = new JobMeters(OTHER, now);
        }
        return other;
    }

    /** A job of this name ended on this member (or was forgotten here): its name's idle time starts now. */
    void jobEnded(String job) {
        long now = clock.getAsLong();
        synchronized (named) {
            stamp(job, now);
        }
    }

    /**
     * Removes the meters of the job names that have not been active here for the expiry, freeing
     * their slots; {@code activeJobs} are the names of the jobs this member holds now, which stay.
     * Called on the engine's timer every {@link #expirySweepMillis()}.
     */
    void expireIdleJobs(Collection<String> activeJobs) {
        long now = clock.getAsLong();
        synchronized (named) {
            for (String job : activeJobs) {
                stamp(job, now);
            }
            for (Iterator<JobMeters> it = named.values().iterator(); it.hasNext(); ) {
                JobMeters m = it.next();
                if (now - m.lastActiveMillis >= jobExpiryMillis) {
                    m.remove();
                    it.remove();
                }
            }
            if (other != null && now - other.lastActiveMillis >= jobExpiryMillis) {
                other.remove();
                other = null;
            }
        }
    }

    /** Guarded by {@link #named}. A name without meters of its own may be counted under other: other stays too. */
    private void stamp(String job, long now) {
        JobMeters m = named.get(job);
        if (m == null) {
            m = other;
        }
        if (m != null) {
            m.lastActiveMillis = now;
        }
    }

    /** How often {@link #expireIdleJobs} runs: a tenth of the expiry, from a second to a minute. */
    long expirySweepMillis() {
        return Math.max(MIN_SWEEP_MILLIS, Math.min(MAX_SWEEP_MILLIS, jobExpiryMillis / 10));
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
