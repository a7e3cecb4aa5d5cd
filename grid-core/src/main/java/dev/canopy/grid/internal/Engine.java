package dev.canopy.grid.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import com.hazelcast.query.Predicate;
import dev.canopy.grid.Grid;
import dev.canopy.grid.JobFailedException;
import dev.canopy.grid.JobState;
import dev.canopy.grid.MemberInfo;
import dev.canopy.grid.RetriableGridException;
import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.internal.Pieces.Failed;
import dev.canopy.grid.internal.Pieces.Partial;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The Canopy engine of one member: it takes the top-driver role for the jobs whose record it owns,
 * drives sub-jobs delegated to it ({@link DriverRun}), runs leaves on its {@link WorkerPool}
 * ({@link LeafRun}), and recovers work placed on members that left.
 *
 * <p>What it owns: the member's {@link LocalJob}s (spec cache, cancel flag, drivers), the worker
 * pool, a small driver pool for bookkeeping and local messages, and a timer for its watchdog.
 *
 * <p>Threads: control messages arrive on Hazelcast's {@code canopy.control} executor threads;
 * local delegations and child reports run on the driver pool (so a single member needs no network
 * hop); leaves run on workers; the watchdog runs on the timer once a second.
 *
 * <p>What it writes to the grid, all per sub-job and never per task: child records in one
 * {@code putAll} per driver, a commit per sub-job, the job record when it takes or ends a job, and
 * its own {@link MemberInfo} once a second.
 */
public final class Engine {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final String CONTEXT_KEY = "canopy.engine";
    private static final long UNSTARTED_JOB_GRACE_MILLIS = 5_000;
    private static final int RECONCILE_EVERY_TICKS = 3;
    private static final int MAX_LEAF_RERUNS = 5;
    private static final long STEAL_INTERVAL_MILLIS = 100;
    private static final int MAX_DRIVE_ATTEMPTS = 3;
    private static final long LOST_JOB_GRACE_MILLIS = 10_000;

    private final HazelcastInstance hz;
    private final Grid grid;
    private final GridAccess access;
    private final GridMaps maps;
    private final EngineSettings settings;
    private final UUID localId;
    private final WorkerPool workers;
    private final ExecutorService driverPool;
    private final ScheduledExecutorService timer;
    private final GridMetrics metrics;
    private final SerializationService serialization;
    private final Map<String, LocalJob> localJobs = new ConcurrentHashMap<>();
    private final Set<String> ended = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 10_000;
                }
            }));
    private final Set<UUID> gone = ConcurrentHashMap.newKeySet();
    private final Map<UUID, MemberInfo> memberInfos = new ConcurrentHashMap<>();
    private final AtomicInteger ticks = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong lastSteal = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong stolenLeaves = new java.util.concurrent.atomic.AtomicLong();
    private volatile Object[] partitionKeys;
    private volatile Partition[] partitions;
    private UUID membershipRegistration;
    private volatile boolean closed;
    private volatile boolean closing;

    public Engine(HazelcastInstance hz, Grid grid, GridAccess access, EngineSettings settings, MeterRegistry registry) {
        this.hz = hz;
        this.grid = grid;
        this.access = access;
        this.maps = access.maps();
        this.settings = settings;
        this.localId = hz.getCluster().getLocalMember().getUuid();
        this.workers = new WorkerPool("canopy-worker", settings.workerThreads(), this::stealIfIdle);
        this.driverPool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                daemonThreads("canopy-driver"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("canopy-watchdog"));
        this.metrics = new GridMetrics(registry, localId.toString(), workers);
        this.serialization = ((SerializationServiceSupport) hz).getSerializationService();
    }

    /** The engine running on this member, or null. */
    static Engine of(HazelcastInstance hz) {
        return (Engine) hz.getUserContext().get(CONTEXT_KEY);
    }

    public void start() {
        hz.getUserContext().put(CONTEXT_KEY, this);
        access.onJobEnded(this::jobEnded);
        membershipRegistration = hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                // placement reads the member list each time it splits, so a new member gets work at once
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                memberGone(event.getMember().getUuid());
            }
        });
        publishMemberInfo();
        timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Leaves the grid cleanly: queued leaves go to other members, running leaves finish and commit
     * (for at most {@code drainMillis}), the sub-jobs this member drives and the jobs it is top
     * driver of are handed over, and only then does the engine stop. What finished here is never
     * redone. The member's Hazelcast keeps running.
     */
    public void close(long drainMillis) {
        if (closing) {
            return;
        }
        closing = true;
        try {
            if (!others().isEmpty()) {
                handOver(workers.takeQueued(Integer.MAX_VALUE), null);
                long deadline = System.currentTimeMillis() + drainMillis;
                while (workers.busy() > 0 && System.currentTimeMillis() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                handOverDrivers();
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not hand all work over before leaving; the other members will recover it", e);
        }
        closed = true;
        timer.shutdownNow();
        try {
            hz.getUserContext().remove(CONTEXT_KEY);
            hz.getCluster().removeMembershipListener(membershipRegistration);
            maps.members.delete(localId);
            Collection<Member> others = others();
            if (!others.isEmpty()) {
                maps.control.executeOnMembers(new Messages.EngineLeft(localId), others);
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not tell the grid that this engine left; its members will notice on their own", e);
        }
        for (LocalJob job : localJobs.values()) {
            job.cancel();
        }
        workers.close();
        driverPool.shutdownNow();
    }

    /** Gives every sub-job this member still drives to another member, which adopts its children. */
    private void handOverDrivers() {
        for (LocalJob job : localJobs.values()) {
            for (DriverRun driver : job.drivers.values()) {
                if (driver.isFinished()) {
                    continue;
                }
                driver.abandon();
                handOverDriver(driver.record());
            }
        }
    }

    private void handOverDriver(SubJobRecord self) {
        UUID target = pickMember(self.group(), List.of(), Set.of(localId));
        if (target.equals(localId)) {
            return;
        }
        if (self.parentPath() == null) {
            Member member = member(target);
            if (member != null) {
                send(new Messages.TakeOver(self.jobId(), localId), member);
            }
            return;
        }
        SubJobRecord moved = maps.subjobs.executeOnKey(self.key(),
                new Processors.Reassign(self.attempt(), target, self.reportTo()));
        if (moved != null && moved.state() != SubJobState.DONE && moved.assignee().equals(target)) {
            dispatch(moved);
        }
    }

    // ---- starting and ending jobs -------------------------------------------------------------

    /** Stops at once, handing nothing over: the members left behind recover this member's work. */
    public void close() {
        close(0);
    }

    /**
     * Submits a new job from this member: the owner of the job's partition writes its records and
     * becomes its top driver; this member when it owns the partition, without a hop.
     */
    public void submit(JobRecord record, byte[] spec) {
        Member owner = hz.getPartitionService().getPartition(record.id()).getOwner();
        if (owner != null && owner.getUuid().equals(localId)) {
            acceptJob(record, spec);
        } else {
            access.submitRemotely(record, spec);
        }
    }

    /**
     * A new job arrived at the owner of its partition: write its spec and its record (already
     * RUNNING with this member as top driver, so no further call takes the role), then start driving
     * it on the driver pool. Returns once the records are written, which is when submit returns.
     */
    void acceptJob(JobRecord submitted, byte[] spec) {
        String jobId = submitted.id();
        @SuppressWarnings("unchecked")
        JobSpec<Object, Object> decoded = (JobSpec<Object, Object>) Codec.deserialize(spec, classLoader());
        long total = totalOf(decoded);
        JobRecord record = submitted.started(localId, total, System.currentTimeMillis());
        CompletableFuture<Void> recorded = CompletableFuture.allOf(
                maps.specs.setAsync(jobId, spec).toCompletableFuture(),
                maps.jobs.setAsync(jobId, record).toCompletableFuture());
        LocalJob job = new LocalJob(jobId, decoded, recorded);
        LocalJob raced = localJobs.putIfAbsent(jobId, job);
        // the root is planned and its children written while the job's own records are written;
        // DriverRun dispatches nothing before both are durable
        drive(raced != null ? raced : job, record, null, 1);
        recorded.join();
    }

    /**
     * Takes the top-driver role for a job: when it is new, or when {@code replacing} (its driver)
     * left. Resumes from the records when the tree exists already.
     */
    void startJob(String jobId, UUID replacing) {
        try {
            LocalJob job = localJob(jobId);
            if (job == null) {
                return;
            }
            JobRecord taken = maps.jobs.executeOnKey(jobId, new Processors.TakeJob(localId, replacing, totalOf(job.spec)));
            if (taken == null) {
                return;
            }
            if (replacing != null) {
                LOG.info("Took over job {} ('{}') as top driver from member {}", jobId, job.spec.name(), replacing);
            }
            drive(job, taken, replacing, 1);
        } catch (RuntimeException e) {
            LOG.warn("Could not take over job {}; the watchdog tries again in a second", jobId, e);
        }
    }

    /**
     * Drives the root of a job this member just became top driver of; resumes from the root's record
     * after a takeover ({@code replacing} set). When the grid calls fail, tries again a few times a
     * second apart, resuming from whatever was written, then fails the job.
     */
    private void drive(LocalJob job, JobRecord taken, UUID replacing, int attempt) {
        String jobId = job.jobId;
        try {
            scheduleTimeout(taken);
            if (taken.total() == 0) {
                job.recorded.join();
                completeJob(job, List.of(new Partial(job.spec.reducer().identity())));
                return;
            }
            SubJobKey rootKey = new SubJobKey(jobId, SubJobKey.ROOT);
            SubJobRecord root = replacing == null ? null : maps.subjobs.get(rootKey);
            if (root == null) {
                root = new SubJobRecord(jobId, SubJobKey.ROOT, null, false, initialSlice(job.spec, taken.total()),
                        liveGroup(List.of()), localId, null, 1, SubJobState.ASSIGNED,
                        leafSizeFor(job.spec, taken.total()), 1, null, 0, 0, null, System.currentTimeMillis(), 0);
                runDriver(job, root, false);
            } else {
                if (!root.assignee().equals(localId)) {
                    root = maps.subjobs.executeOnKey(rootKey, new Processors.Reassign(root.attempt(), localId, null));
                }
                runDriver(job, root, true);
            }
        } catch (RuntimeException e) {
            if (attempt >= MAX_DRIVE_ATTEMPTS || closing) {
                LOG.warn("Could not drive job {}; it fails", jobId, e);
                access.end(jobId, new JobOutcome(JobState.FAILED, null, new RetriableGridException("job " + jobId
                        + " could not be started: " + e.getMessage(), e), List.of()));
                return;
            }
            LOG.warn("Could not drive job {} (attempt {}); trying again in a second", jobId, attempt, e);
            timer.schedule(() -> drive(job, taken, localId, attempt + 1), 1, TimeUnit.SECONDS);
        }
    }

    private void scheduleTimeout(JobRecord record) {
        if (record.timeoutMillis() <= 0) {
            return;
        }
        long delay = Math.max(0, record.submittedMillis() + record.timeoutMillis() - System.currentTimeMillis());
        timer.schedule(() -> {
            TimeoutException cause = new TimeoutException("job " + record.id() + " ('" + record.name()
                    + "') ran longer than its timeout of " + record.timeoutMillis() + " ms");
            access.terminate(record.id(), new JobOutcome(JobState.CANCELLED, null, cause, List.of()));
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** Tasks in the job: known from the spec, or the map's size for a job over a whole map. */
    private long totalOf(JobSpec<?, ?> spec) {
        long known = spec.knownSize();
        return known >= 0 ? known : hz.getMap(spec.mapName()).size();
    }

    private Slice initialSlice(JobSpec<?, ?> spec, long total) {
        switch (spec.kind()) {
            case RANGE:
            case LIST:
                return new Slice.IndexSlice(spec.from(), spec.to());
            case KEYED:
                return new Slice.KeySlice(spec.keys());
            default:
                int count = partitions().length;
                int[] ids = new int[count];
                for (int i = 0; i < count; i++) {
                    ids[i] = i;
                }
                return new Slice.PartitionSlice(ids, total);
        }
    }

    private int leafSizeFor(JobSpec<?, ?> spec, long total) {
        if (spec.leafSize() > 0) {
            return spec.leafSize();
        }
        if (settings.leafSize() > 0) {
            return settings.leafSize();
        }
        int threads = 0;
        for (UUID member : liveGroup(List.of())) {
            threads += workerThreadsOf(member);
        }
        return Splitter.adaptiveLeafSize(total, threads);
    }

    /** The root committed: the job completes, unless more tasks failed for good than it tolerates. */
    void completeJob(LocalJob job, List<Object> rootOutcome) {
        Object result = null;
        List<TaskFailure> failures = new ArrayList<>();
        Failed first = null;
        for (Object piece : rootOutcome) {
            if (piece instanceof Partial p) {
                result = p.value();
            } else if (piece instanceof Failed f) {
                failures.add(f.failure());
                first = first == null ? f : first;
            }
        }
        if (failures.size() > job.spec.tolerateFailures()) {
            access.end(job.jobId, new JobOutcome(JobState.FAILED, null, jobFailed(job, first), failures));
        } else {
            access.end(job.jobId, new JobOutcome(JobState.COMPLETED, result, null, failures));
        }
    }

    /** Counts tasks that failed for good; fails the job as soon as they exceed its tolerance. */
    void recordFailures(LocalJob job, List<Failed> failed) {
        List<TaskFailure> list = new ArrayList<>(failed.size());
        for (Failed f : failed) {
            list.add(f.failure());
        }
        int count = maps.jobs.executeOnKey(job.jobId, new Processors.AddFailures(list, list.size()));
        if (count > job.spec.tolerateFailures()) {
            access.end(job.jobId, new JobOutcome(JobState.FAILED, null, jobFailed(job, failed.get(0)), list));
        }
    }

    private static JobFailedException jobFailed(LocalJob job, Failed f) {
        TaskFailure failure = f.failure();
        return new JobFailedException("job " + job.jobId + " ('" + job.spec.name() + "') failed: task "
                + failure.task() + " failed after " + failure.attempts() + " attempt(s): " + failure.error(),
                failure.task(), failure.attempts(), f.error());
    }

    void failOnReducer(String jobId, Throwable error) {
        LocalJob job = localJobs.get(jobId);
        String name = job == null ? "" : " ('" + job.spec.name() + "')";
        JobFailedException failed = new JobFailedException("job " + jobId + name + " failed: its reducer threw "
                + Errors.describe(error), "reducer", 0, Errors.portable(error));
        access.end(jobId, new JobOutcome(JobState.FAILED, null, failed, List.of()));
    }

    /** A job's result appeared (this member's result listener): forget it here and stop its work. */
    private void jobEnded(String jobId) {
        ended.add(jobId);
        LocalJob job = localJobs.remove(jobId);
        if (job != null) {
            job.cancel();
            for (DriverRun driver : job.drivers.values()) {
                driver.abandon();
            }
        }
        workers.forget(jobId);
    }

    void cancelLocally(String jobId) {
        ended.add(jobId);
        LocalJob job = localJobs.get(jobId);
        if (job != null) {
            job.cancel();
        }
    }

    // ---- the tree -----------------------------------------------------------------------------

    /** A sub-job arrived for this member: queue it as a leaf, or drive it. */
    void accept(SubJobRecord subJob) {
        LocalJob job = localJob(subJob.jobId());
        if (job == null || job.isCancelled()) {
            return;
        }
        if (closing) {
            if (subJob.leaf()) {
                handOver(List.of(new LeafRun(this, job, subJob)), null);
            } else {
                handOverDriver(subJob);
            }
            return;
        }
        if (subJob.leaf()) {
            workers.submit(job.jobId, job.spec.priority(), new LeafRun(this, job, subJob));
        } else {
            runDriver(job, subJob, true);
        }
    }

    /** Drives {@code subJob} here; {@code persisted} is false for a new root, which its first plan writes. */
    private void runDriver(LocalJob job, SubJobRecord subJob, boolean persisted) {
        DriverRun driver = new DriverRun(this, job, subJob, persisted);
        DriverRun previous = job.drivers.put(subJob.path(), driver);
        if (previous != null) {
            previous.abandon();
        }
        driver.start();
    }

    void childDone(String jobId, String parentPath, String path, int attempt, List<Object> outcome) {
        LocalJob job = localJobs.get(jobId);
        DriverRun driver = job == null ? null : job.drivers.get(parentPath);
        if (driver != null) {
            driver.onChildDone(path, attempt, outcome);
        }
    }

    /** Sends a sub-job to its assignee; to this member without serialization or a hop. */
    void dispatch(SubJobRecord subJob) {
        if (subJob.assignee().equals(localId)) {
            driverPool.execute(() -> accept(subJob));
            return;
        }
        Member member = member(subJob.assignee());
        if (member == null || gone.contains(subJob.assignee())) {
            driverPool.execute(() -> memberGone(subJob.assignee()));
            return;
        }
        send(new Messages.Delegate(subJob), member);
    }

    void markRunning(SubJobRecord leaf) {
        maps.subjobs.submitToKey(leaf.key(), new Processors.MarkRunning(leaf.attempt(), leaf.assignee()));
    }

    void commitLeaf(LocalJob job, SubJobRecord leaf, long done, List<Object> outcome) {
        commitAndReport(leaf, done, outcome);
    }

    /**
     * Commits an outcome to the sub-job's record, then reports it to the parent the record names
     * (which may be a driver that adopted this child meanwhile). A commit refused as stale reports
     * nothing: a decision is durable before anyone relies on it (DESIGN principle 2).
     */
    private void commitAndReport(SubJobRecord self, long done, List<Object> outcome) {
        SubJobRecord committed = maps.subjobs.executeOnKey(self.key(),
                new Processors.Commit(self.attempt(), self.assignee(), done, outcome));
        if (committed != null) {
            report(committed, committed.reportTo(), outcome);
        }
    }

    /**
     * A driver combined its children. The root's outcome goes straight to the result (written once,
     * by whichever attempt gets there first: they combine the same committed children); any other
     * driver commits its outcome to its record before reporting up.
     */
    void commitDriver(LocalJob job, DriverRun driver, List<Object> outcome) {
        SubJobRecord self = driver.record();
        job.drivers.remove(self.path(), driver);
        if (driver.isRoot()) {
            completeJob(job, outcome);
            return;
        }
        commitAndReport(self, 0, outcome);
    }

    private void report(SubJobRecord committed, UUID parent, List<Object> outcome) {
        if (parent == null) {
            return;
        }
        if (parent.equals(localId)) {
            driverPool.execute(() -> childDone(committed.jobId(), committed.parentPath(), committed.path(),
                    committed.attempt(), outcome));
            return;
        }
        Member member = member(parent);
        if (member != null) {
            long bytes = send(new Messages.ChildDone(committed.jobId(), committed.parentPath(),
                    committed.path(), committed.attempt(), outcome), member);
            metrics.partialSent(bytes);
        }
    }

    /** Reading a leaf's data failed: queue it again a little later, a few times, then fail the job. */
    void rerunLater(LocalJob job, LeafRun run, SubJobRecord leaf, RuntimeException error) {
        if (++run.reruns > MAX_LEAF_RERUNS) {
            failOnReducer(job.jobId, error);
            return;
        }
        LOG.debug("Leaf {}/{} could not read its data; running it again", leaf.jobId(), leaf.path(), error);
        timer.schedule(() -> workers.submit(job.jobId, job.spec.priority(), run), 200L * run.reruns, TimeUnit.MILLISECONDS);
    }

    // ---- work stealing ------------------------------------------------------------------------

    /**
     * Called by idle workers: asks the member with the most queued leaves for some of them. At most
     * one request is in flight per {@value #STEAL_INTERVAL_MILLIS} ms, so idle members do not chatter.
     */
    private void stealIfIdle() {
        long now = System.currentTimeMillis();
        long last = lastSteal.get();
        if (closed || now - last < STEAL_INTERVAL_MILLIS || !lastSteal.compareAndSet(last, now)) {
            return;
        }
        int free = workers.idle();
        if (free <= 0) {
            return;
        }
        UUID victim = null;
        int most = 0;
        for (MemberInfo info : memberInfos.values()) {
            if (!info.uuid().equals(localId) && info.queuedLeaves() > most && isLive(info.uuid())) {
                victim = info.uuid();
                most = info.queuedLeaves();
            }
        }
        Member member = victim == null ? null : member(victim);
        if (member != null) {
            send(new Messages.StealRequest(localId, free), member);
        }
    }

    /** A thief asked for work: hand over queued leaves from the back of the queue, half of them at most. */
    void giveLeaves(UUID thief, int wanted) {
        if (!isLive(thief) || closed) {
            return;
        }
        int n = Math.min(wanted, Math.max(1, workers.queued() / 2));
        handOver(workers.takeQueued(n), thief);
    }

    /** Moves queued leaves to {@code target} (or, when null, to the least loaded other member). */
    private int handOver(List<Runnable> leaves, UUID target) {
        int moved = 0;
        for (Runnable r : leaves) {
            if (!(r instanceof LeafRun run)) {
                continue;
            }
            SubJobRecord leaf = run.leaf();
            UUID to = target != null ? target : pickMember(List.of(), List.of(), Set.of(localId));
            if (to.equals(localId)) {
                workers.submit(leaf.jobId(), run.job().spec.priority(), run);
                continue;
            }
            SubJobRecord stolen = maps.subjobs.executeOnKey(leaf.key(), new Processors.Steal(leaf.attempt(), localId, to));
            if (stolen != null) {
                stolenLeaves.incrementAndGet();
                metrics.stole();
                moved++;
                dispatch(stolen);
            }
        }
        return moved;
    }

    /** Leaves this member gave away to idle members. */
    public long stolenLeaves() {
        return stolenLeaves.get();
    }

    /** A member left the cluster, or its engine stopped: re-delegate what it was given. */
    void memberGone(UUID member) {
        if (member.equals(localId) || closed) {
            return;
        }
        if (member(member) != null) {
            gone.add(member);
        }
        memberInfos.remove(member);
        for (LocalJob job : localJobs.values()) {
            for (DriverRun driver : job.drivers.values()) {
                driverPool.execute(driver::reconcile);
            }
        }
    }

    // ---- placement ----------------------------------------------------------------------------

    Splitter splitter(JobSpec<?, ?> spec, int leafSize) {
        int fanOut = spec.fanOut() > 0 ? spec.fanOut() : settings.fanOut();
        return new Splitter(fanOut, leafSize, this::workerThreadsOf, this::partitionOwner,
                key -> hz.getPartitionService().getPartition(key).getPartitionId());
    }

    /**
     * The live Canopy members of {@code group} with this member first; all live members when the
     * group is empty or has no live member but this one.
     */
    List<UUID> liveGroup(List<UUID> group) {
        List<UUID> live = canopyMembers();
        List<UUID> result = new ArrayList<>();
        result.add(localId);
        for (UUID member : group.isEmpty() ? live : group) {
            if (!member.equals(localId) && live.contains(member)) {
                result.add(member);
            }
        }
        return result;
    }

    /** A live member for re-delegated work: from the child's group, else the driver's, else any; preferring untried ones. */
    UUID pickMember(List<UUID> preferred, List<UUID> fallback, Set<UUID> avoid) {
        List<UUID> live = canopyMembers();
        for (List<UUID> candidates : List.of(preferred, fallback, live)) {
            List<UUID> fresh = new ArrayList<>();
            for (UUID member : candidates) {
                if (live.contains(member) && (avoid == null || !avoid.contains(member))) {
                    fresh.add(member);
                }
            }
            if (!fresh.isEmpty()) {
                return leastLoaded(fresh);
            }
        }
        return live.isEmpty() ? localId : leastLoaded(live);
    }

    private UUID leastLoaded(List<UUID> candidates) {
        return candidates.stream().min(Comparator.comparingDouble(this::load)).orElse(localId);
    }

    private double load(UUID member) {
        MemberInfo info = memberInfos.get(member);
        if (info == null || info.workerThreads() == 0) {
            return 0;
        }
        return (double) (info.busy() + info.queuedLeaves()) / info.workerThreads();
    }

    boolean isLive(UUID member) {
        return member != null && !gone.contains(member) && member(member) != null;
    }

    /** Cluster members running Canopy, oldest first. */
    List<UUID> canopyMembers() {
        List<UUID> result = new ArrayList<>();
        List<UUID> unknown = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            UUID id = m.getUuid();
            if (m.isLiteMember() || gone.contains(id)) {
                continue;
            }
            if (!memberInfos.containsKey(id) && !id.equals(localId)) {
                unknown.add(id);
            }
            result.add(id);
        }
        if (!unknown.isEmpty()) {
            memberInfos.putAll(maps.members.getAll(new HashSet<>(unknown)));
        }
        result.removeIf(id -> !id.equals(localId) && !memberInfos.containsKey(id));
        return result;
    }

    int workerThreadsOf(UUID member) {
        if (member.equals(localId)) {
            return settings.workerThreads();
        }
        MemberInfo info = memberInfos.get(member);
        return info == null ? 1 : info.workerThreads();
    }

    private UUID partitionOwner(int partition) {
        Member owner = partitions()[partition].getOwner();
        return owner == null ? null : owner.getUuid();
    }

    private Partition[] partitions() {
        Partition[] known = partitions;
        if (known == null) {
            Set<Partition> all = hz.getPartitionService().getPartitions();
            known = new Partition[all.size()];
            for (Partition p : all) {
                known[p.getPartitionId()] = p;
            }
            partitions = known;
        }
        return known;
    }

    /** A key that falls into {@code partition}, for partition-scoped queries. */
    Object partitionKey(int partition) {
        Object[] keys = partitionKeys;
        if (keys == null) {
            keys = new Object[partitions().length];
            int found = 0;
            for (int candidate = 0; found < keys.length; candidate++) {
                int p = hz.getPartitionService().getPartition(candidate).getPartitionId();
                if (keys[p] == null) {
                    keys[p] = candidate;
                    found++;
                }
            }
            partitionKeys = keys;
        }
        return keys[partition];
    }

    // ---- watchdog -----------------------------------------------------------------------------

    private void tick() {
        try {
            publishMemberInfo();
            refreshMemberInfos();
            countJobsByState();
            takeOverOrphanedJobs();
            if (ticks.incrementAndGet() % RECONCILE_EVERY_TICKS == 0) {
                forgetEndedJobs();
                for (LocalJob job : localJobs.values()) {
                    for (DriverRun driver : job.drivers.values()) {
                        driverPool.execute(driver::reconcile);
                    }
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("Canopy watchdog tick failed; next tick in a second", e);
            }
        }
    }

    /** Drops the local state of jobs whose result exists, in case this member missed the result's event. */
    private void forgetEndedJobs() {
        if (localJobs.isEmpty()) {
            return;
        }
        Set<String> ids = new HashSet<>(localJobs.keySet());
        for (String jobId : maps.results.getAll(ids).keySet()) {
            jobEnded(jobId);
            ids.remove(jobId);
        }
        // a job whose record is gone too was lost with more members than backupCount: stop its work here
        long now = System.currentTimeMillis();
        ids.removeIf(id -> localJobs.get(id) == null || now - localJobs.get(id).createdMillis < LOST_JOB_GRACE_MILLIS);
        if (!ids.isEmpty()) {
            Set<String> present = maps.jobs.getAll(ids).keySet();
            for (String jobId : ids) {
                if (!present.contains(jobId)) {
                    LOG.warn("Job {} is gone from the grid (its record was lost); dropping its work here", jobId);
                    jobEnded(jobId);
                }
            }
        }
    }

    /** Jobs in partitions this member owns whose top driver is gone (or never came): take them over. */
    private void takeOverOrphanedJobs() {
        long now = System.currentTimeMillis();
        for (String jobId : maps.jobs.localKeySet(new Unfinished())) {
            JobRecord record = maps.jobs.get(jobId);
            if (record == null || record.state().isTerminal()) {
                continue;
            }
            UUID driver = record.topDriver();
            boolean orphaned = driver == null ? now - record.submittedMillis() > UNSTARTED_JOB_GRACE_MILLIS
                    : !driver.equals(localId) && !isLive(driver);
            if (orphaned) {
                driverPool.execute(() -> startJob(jobId, driver));
            }
        }
    }

    private void countJobsByState() {
        Map<JobState, Long> counts = new java.util.EnumMap<>(JobState.class);
        for (JobRecord r : maps.jobs.getAll(maps.jobs.localKeySet()).values()) {
            counts.merge(r.state(), 1L, Long::sum);
        }
        metrics.jobsByState(counts);
    }

    /** Jobs not yet ended. */
    record Unfinished() implements Predicate<String, JobRecord> {
        @Override
        public boolean apply(Map.Entry<String, JobRecord> entry) {
            return entry.getValue() != null && !entry.getValue().state().isTerminal();
        }
    }

    private void publishMemberInfo() {
        Set<String> roles = new HashSet<>();
        roles.add("worker");
        for (LocalJob job : localJobs.values()) {
            for (DriverRun driver : job.drivers.values()) {
                roles.add(driver.isRoot() ? "top-driver" : "driver");
            }
        }
        Member local = hz.getCluster().getLocalMember();
        MemberInfo info = new MemberInfo(localId, local.getAddress().getHost() + ":" + local.getAddress().getPort(),
                workers.threads(), workers.busy(), workers.queued(), Set.copyOf(roles));
        maps.members.set(localId, info);
        memberInfos.put(localId, info);
    }

    private void refreshMemberInfos() {
        Set<UUID> ids = new HashSet<>();
        for (Member m : hz.getCluster().getMembers()) {
            ids.add(m.getUuid());
        }
        Map<UUID, MemberInfo> fresh = maps.members.getAll(ids);
        memberInfos.keySet().retainAll(ids);
        memberInfos.putAll(fresh);
    }

    // ---- plumbing -----------------------------------------------------------------------------

    private LocalJob localJob(String jobId) {
        LocalJob job = localJobs.get(jobId);
        if (job != null || ended.contains(jobId)) {
            return job;
        }
        byte[] bytes = maps.specs.get(jobId);
        if (bytes == null) {
            return null;
        }
        @SuppressWarnings("unchecked")
        JobSpec<Object, Object> spec = (JobSpec<Object, Object>) Codec.deserialize(bytes, classLoader());
        LocalJob loaded = new LocalJob(jobId, spec);
        LocalJob raced = localJobs.putIfAbsent(jobId, loaded);
        return raced != null ? raced : loaded;
    }

    private ClassLoader classLoader() {
        ClassLoader configured = hz.getConfig().getClassLoader();
        if (configured != null) {
            return configured;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Engine.class.getClassLoader();
    }

    private Member member(UUID uuid) {
        for (Member m : hz.getCluster().getMembers()) {
            if (m.getUuid().equals(uuid)) {
                return m;
            }
        }
        return null;
    }

    private Collection<Member> others() {
        List<Member> result = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            if (!m.localMember()) {
                result.add(m);
            }
        }
        return result;
    }

    /** Sends a control message; returns its serialized size, which the metrics count. */
    private long send(Messages.Message message, Member member) {
        long bytes = serialization.toData(message).totalSize();
        metrics.sent(bytes);
        maps.control.executeOnMember(message, member);
        return bytes;
    }

    GridMaps maps() {
        return maps;
    }

    GridMetrics metrics() {
        return metrics;
    }

    /** Control messages this member sent, received, and the bytes it sent; for the benchmark's scale figures. */
    public long[] messageCounters() {
        return new long[] {metrics.messagesSent(), metrics.messagesReceived(), metrics.messageBytes()};
    }

    UUID localId() {
        return localId;
    }

    Grid grid() {
        return grid;
    }

    HazelcastInstance hazelcast() {
        return hz;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
