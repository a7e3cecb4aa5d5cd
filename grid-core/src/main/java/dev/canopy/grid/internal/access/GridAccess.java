package dev.canopy.grid.internal.access;

import dev.canopy.grid.internal.engine.Messages;
import dev.canopy.grid.internal.spec.Codec;
import dev.canopy.grid.internal.spec.Errors;
import dev.canopy.grid.internal.spec.JobSpec;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.JobOutcome;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.ProgressAggregator;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.query.Predicates;
import dev.canopy.grid.GridException;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;
import dev.canopy.grid.MemberInfo;
import dev.canopy.grid.RetriableGridException;
import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * What a member and a client share: submitting jobs, finding them again, watching their results,
 * listing jobs and members, ending jobs. It reads and writes only the grid's records, so it works
 * over a Hazelcast member or client alike.
 *
 * <p>One entry listener on {@code canopy.results} completes every local handle's future, so
 * waiting for a job costs no registration per job.
 */
public final class GridAccess {

    private static final Logger LOG = LoggerFactory.getLogger(GridAccess.class);
    private static final long SUBMIT_TIMEOUT_SECONDS = 60;
    private static final long RESULT_POLL_SECONDS = 2;
    private static final int SETTLE_TRIES = 50;
    private static final long LOST_AFTER_MILLIS = 4_000;
    private static final long SETTLE_MILLIS = 100;

    private final HazelcastInstance hz;
    private final GridMaps maps;
    private final UUID localId;
    private final long resultTtlMillis;
    private final Map<String, List<JobFuture<Object>>> waiting = new ConcurrentHashMap<>();
    private final List<Consumer<String>> endListeners = new CopyOnWriteArrayList<>();
    private final Map<String, Long> missingSince = new ConcurrentHashMap<>();
    /** Jobs whose submit call has not returned: their records may not be written yet. */
    private final Set<String> submitting = ConcurrentHashMap.newKeySet();
    private UUID resultListener;
    private final ScheduledExecutorService cleanup = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread t = new Thread(runnable, "canopy-job-cleanup");
        t.setDaemon(true);
        return t;
    });

    public GridAccess(HazelcastInstance hz, UUID localId, long resultTtlMillis) {
        AsyncCallbacks.installWhereNeeded();
        this.hz = hz;
        this.maps = new GridMaps(hz);
        this.localId = localId;
        this.resultTtlMillis = resultTtlMillis;
    }

    public void start() {
        resultListener = maps.results.addEntryListener(new ResultListener(), true);
        cleanup.scheduleWithFixedDelay(this::pollWaiting, RESULT_POLL_SECONDS, RESULT_POLL_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Looks up the results of the jobs that handles here wait for. Events are the fast path; this
     * covers an event lost while members come and go, so a lost event costs seconds, not a hang.
     */
    private void pollWaiting() {
        if (waiting.isEmpty()) {
            missingSince.clear();
            return;
        }
        try {
            Set<String> ids = new HashSet<>(waiting.keySet());
            Map<String, JobOutcome> ended = maps.results.getAll(ids);
            for (Map.Entry<String, JobOutcome> e : ended.entrySet()) {
                deliver(e.getKey(), e.getValue());
            }
            ids.removeAll(ended.keySet());
            failLostJobs(ids);
        } catch (RuntimeException e) {
            LOG.debug("Could not poll for job results; next try in {} s", RESULT_POLL_SECONDS, e);
        }
    }

    /**
     * A job whose record and result are both gone, twice a few seconds apart, was lost: its records
     * were on more members than {@code backupCount} that left at once (or before their backups were
     * in sync). Its handles fail rather than wait for ever.
     */
    private void failLostJobs(Set<String> unfinished) {
        Set<String> present = unfinished.isEmpty() ? Set.of() : maps.jobs.getAll(unfinished).keySet();
        long now = System.currentTimeMillis();
        missingSince.keySet().retainAll(unfinished);
        for (String id : unfinished) {
            if (present.contains(id) || submitting.contains(id)) {
                missingSince.remove(id);
                continue;
            }
            long since = missingSince.computeIfAbsent(id, k -> now);
            if (now - since >= LOST_AFTER_MILLIS && maps.results.get(id) == null) {
                missingSince.remove(id);
                LOG.warn("Job {} was lost: its record and result are gone from the grid", id);
                deliver(id, new JobOutcome(JobState.FAILED, null, new RetriableGridException("job " + id
                        + " was lost: its records were on members that left together before their backups were"
                        + " in sync (more than backupCount at once); submit it again", null), List.of()));
            }
        }
    }

    public void close() {
        if (resultListener != null) {
            try {
                maps.results.removeEntryListener(resultListener);
            } catch (RuntimeException e) {
                LOG.debug("Could not remove the result listener; the instance is shutting down", e);
            }
        }
        for (List<JobFuture<Object>> futures : waiting.values()) {
            for (JobFuture<Object> f : futures) {
                f.completeExceptionally(new CancellationException("the grid handle watching this job was closed"));
            }
        }
        waiting.clear();
        cleanup.shutdown();
    }

    public GridMaps maps() {
        return maps;
    }

    public void onJobEnded(Consumer<String> listener) {
        endListeners.add(listener);
    }

    /**
     * Submits a job: {@code sender} hands its record and serialized spec to the owner of the job's
     * partition, which writes them and becomes its top driver (a node passes its engine, a client
     * {@link #submitRemotely}). The spec is serialized first, so code that cannot travel fails here
     * and nothing is written.
     */
    public <R> JobHandle<R> submit(JobSpec<?, R> spec, JobId id, BiConsumer<JobRecord, byte[]> sender) {
        byte[] bytes = Codec.serialize(spec, "job '" + spec.name() + "'");
        String key = id.toString();
        submitting.add(key);
        // a new id has no result yet: wait for its event without asking the grid first
        JobFuture<R> future = await(key);
        try {
            sender.accept(JobRecord.submitted(key, spec, localId, System.currentTimeMillis()), bytes);
        } catch (RuntimeException e) {
            waiting.remove(key);
            throw e;
        } finally {
            submitting.remove(key);
        }
        return new JobHandleImpl<>(id, this, future);
    }

    /**
     * Sends a new job to the owner of its partition and waits until its records are written. When
     * the owner leaves during the call, tries the new owner once more.
     */
    public void submitRemotely(JobRecord record, byte[] spec) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                maps.control.submitToKeyOwner(new Messages.SubmitJob(record, spec), record.id())
                        .get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GridException("interrupted while submitting job " + record.id(), e);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                last = new RetriableGridException("could not submit job " + record.id() + " ('" + record.name()
                        + "'): " + Errors.peel(e).getMessage(), Errors.peel(e));
            }
        }
        throw last;
    }

    public Optional<JobHandle<?>> job(JobId id) {
        String key = id.toString();
        if (!maps.jobs.containsKey(key) && !maps.results.containsKey(key)) {
            return Optional.empty();
        }
        return Optional.of(new JobHandleImpl<>(id, this, watch(key)));
    }

    public List<JobInfo> jobs() {
        Collection<JobRecord> records = maps.jobs.project(new Processors.WithoutSpec());
        Set<String> unfinished = new HashSet<>();
        for (JobRecord r : records) {
            if (!r.state().isTerminal()) {
                unfinished.add(r.id());
            }
        }
        // a job whose result is written but whose record is not finished yet counts as ended
        Map<String, JobOutcome> ended = unfinished.isEmpty() ? Map.of() : maps.results.getAll(unfinished);
        List<JobInfo> infos = new ArrayList<>();
        for (JobRecord r : records) {
            JobOutcome outcome = ended.get(r.id());
            infos.add(new JobInfo(JobId.parse(r.id()), r.name(), outcome != null ? outcome.state() : r.state(),
                    progressOf(r, outcome), Instant.ofEpochMilli(r.submittedMillis()), r.topDriver()));
        }
        infos.sort(Comparator.comparing(JobInfo::submitted));
        return infos;
    }

    public Topology topology() {
        Set<Member> members = hz.getCluster().getMembers();
        Set<UUID> ids = new HashSet<>();
        for (Member m : members) {
            ids.add(m.getUuid());
        }
        Map<UUID, MemberInfo> infos = maps.members.getAll(ids);
        List<MemberInfo> list = new ArrayList<>();
        for (Member m : members) {
            MemberInfo info = infos.get(m.getUuid());
            list.add(info != null ? info : new MemberInfo(m.getUuid(),
                    m.getAddress().getHost() + ":" + m.getAddress().getPort(), 0, 0, 0, Set.of()));
        }
        return new Topology(List.copyOf(list));
    }

    JobState state(String id) {
        JobOutcome outcome = maps.results.get(id);
        if (outcome != null) {
            return outcome.state();
        }
        JobRecord r = maps.jobs.executeOnKey(id, new Processors.Peek());
        return r == null ? JobState.SUBMITTED : r.state();
    }

    List<TaskFailure> failures(String id) {
        JobOutcome outcome = maps.results.get(id);
        if (outcome != null) {
            return outcome.failures();
        }
        JobRecord r = maps.jobs.executeOnKey(id, new Processors.Peek());
        return r == null ? List.of() : r.failures();
    }

    public boolean cancel(String id) {
        return terminate(id, new JobOutcome(JobState.CANCELLED, null, null, List.of()));
    }

    /**
     * Ends a job with {@code outcome} unless it has ended already: the result is written with
     * {@code putIfAbsent}, so exactly one of a completion, a failure or a cancel wins. The winner
     * finishes the record, stops the job's remaining work and lets its records expire.
     */
    public boolean terminate(String id, JobOutcome outcome) {
        JobRecord record = maps.jobs.executeOnKey(id, new Processors.Peek());
        if (record == null || record.state().isTerminal()) {
            return false;
        }
        return end(id, outcome);
    }

    /** {@link #terminate} for a job known to exist: the engine's path, one grid call before the result shows. */
    public boolean end(String id, JobOutcome outcome) {
        return end(id, outcome, true);
    }

    /** {@code treeRecorded} false: the job's tree wrote no record, so ending it reads none. */
    public boolean end(String id, JobOutcome outcome, boolean treeRecorded) {
        if (maps.results.putIfAbsent(id, outcome, resultTtlMillis, TimeUnit.MILLISECONDS) != null) {
            return false;
        }
        // handles on this member (often the submitter: its jobs are placed here) need not wait for the event
        deliver(id, outcome);
        if (outcome.state() != JobState.COMPLETED) {
            maps.control.executeOnAllMembers(new Messages.CancelJob(id));
        }
        cleanup.execute(() -> finish(id, outcome, treeRecorded, 0));
        return true;
    }

    /**
     * After a job's result is written: records its final progress, lets its records expire with the
     * result and drops its spec. Off the caller's thread: the result is what handles wait for, and
     * the rest is recomputable from the records until it is done.
     */
    private void finish(String id, JobOutcome outcome, boolean treeRecorded, int tries) {
        // one pass over the job's partition ends the tree, lets it expire and reads it for the final progress
        Map<SubJobKey, SubJobRecord> ended = !treeRecorded ? Map.of()
                : maps.subjobs.executeOnEntries(new Processors.EndTree(resultTtlMillis),
                        Predicates.partitionPredicate(id, new Processors.OfJob(id)));
        ProgressAggregator sums = new ProgressAggregator();
        ended.entrySet().forEach(sums::accumulate);
        boolean completed = outcome.state() == JobState.COMPLETED;
        if (completed && sums.aggregate().unsettled() > 0 && tries < SETTLE_TRIES) {
            // a stale attempt may still be committing: give it a moment, so the finished records are final
            cleanup.schedule(() -> finish(id, outcome, true, tries + 1), SETTLE_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        // the record's own counts complete the progress where it lives: no read before the write
        // (a record to log comes back only when there is a log to write: it is most of the answer's bytes)
        JobRecord done = maps.jobs.executeOnKey(id, new Processors.Finish(outcome.state(),
                completed ? outcome.failures() : null, ended.isEmpty() ? null : sums.aggregate(), resultTtlMillis,
                LOG.isInfoEnabled()));
        if (done == null) {
            return;
        }
        if (completed) {
            LOG.info("Job {} ('{}') completed: {} tasks, {} failed", id, done.name(), done.progress().total(),
                    done.progress().failed());
        } else {
            LOG.info("Job {} ('{}') ended {}", id, done.name(), outcome.state());
        }
    }

    /**
     * A job's progress once it ended, from its record and the sums of its tree ({@code null} when
     * the tree had no record: the job ran as its root's single leaf, see {@code LocalJob}).
     */
    public static JobProgress finalProgress(JobRecord r, ProgressAggregator.Sums sums, boolean completed) {
        JobProgress live = sums != null ? tree(r, sums).progress()
                : new JobProgress(r.total(), r.failureCount(), r.failureCount(), 0, 0, 1, 1);
        return completed ? completed(live) : live;
    }

    JobProgress progress(String id) {
        JobRecord r = maps.jobs.executeOnKey(id, new Processors.Peek());
        if (r == null) {
            return JobProgress.empty(0);
        }
        return progressOf(r, r.progress() != null ? null : maps.results.get(id));
    }

    /** {@code outcome}: the job's result if it has one (read by the caller, which may have read many at once). */
    private JobProgress progressOf(JobRecord r, JobOutcome outcome) {
        if (r.progress() != null) {
            return r.progress();
        }
        JobProgress live = liveProgress(r.id(), r);
        return outcome != null && outcome.state() == JobState.COMPLETED ? completed(live) : live;
    }

    /**
     * The progress of a completed job: every task is done (or failed for good). Leaves report before
     * their commits land, so the records alone may still lag behind the result for a moment.
     */
    private static JobProgress completed(JobProgress live) {
        return new JobProgress(live.total(), live.total(), live.failed(), live.retried(), 0, live.depth(), live.leaves());
    }

    private JobProgress liveProgress(String id, JobRecord r) {
        return tree(id, r).progress();
    }

    /** A job's progress from its records, and how many of its leaves have not committed yet. */
    private record Tree(JobProgress progress, int unsettledLeaves) {
    }

    /** Sums the job's leaf records where they live: one aggregation over one partition. */
    private Tree tree(String id, JobRecord r) {
        return tree(r, maps.subjobs.aggregate(new ProgressAggregator(),
                Predicates.partitionPredicate(id, new Processors.OfJob(id))));
    }

    private static Tree tree(JobRecord r, ProgressAggregator.Sums sums) {
        long total = r.total() >= 0 ? r.total() : sums.leafTasks();
        return new Tree(new JobProgress(total, sums.done() + r.failureCount(), r.failureCount(), sums.retried(),
                sums.running(), sums.depth(), sums.leaves()), sums.unsettled());
    }

    /** A future for a job that may have ended already: its result is looked up once. */
    private <R> JobFuture<R> watch(String id) {
        JobFuture<R> future = await(id);
        JobOutcome already = maps.results.get(id);
        if (already != null) {
            deliver(id, already);
        }
        return future;
    }

    /** A future completed by the job's result event (or the poll that backs it up). */
    @SuppressWarnings("unchecked")
    private <R> JobFuture<R> await(String id) {
        JobFuture<Object> future = new JobFuture<>();
        waiting.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(future);
        return (JobFuture<R>) future;
    }

    private void deliver(String id, JobOutcome outcome) {
        List<JobFuture<Object>> futures = waiting.remove(id);
        if (futures != null) {
            for (JobFuture<Object> f : futures) {
                complete(f, id, outcome);
            }
        }
        notifyEnded(id);
    }

    private void notifyEnded(String id) {
        for (Consumer<String> listener : endListeners) {
            try {
                listener.accept(id);
            } catch (RuntimeException e) {
                LOG.warn("A job-end listener failed for job {}", id, e);
            }
        }
    }

    private static void complete(JobFuture<Object> future, String id, JobOutcome outcome) {
        switch (outcome.state()) {
            case COMPLETED -> future.complete(outcome.result());
            case FAILED -> future.completeExceptionally(outcome.error());
            default -> {
                CancellationException cancelled = new CancellationException(outcome.error() == null
                        ? "job " + id + " was cancelled" : "job " + id + " was cancelled: " + outcome.error().getMessage());
                cancelled.initCause(outcome.error());
                future.completeExceptionally(cancelled);
            }
        }
    }

    private final class ResultListener implements EntryAddedListener<String, JobOutcome>,
            EntryUpdatedListener<String, JobOutcome> {
        @Override
        public void entryAdded(EntryEvent<String, JobOutcome> event) {
            resultAppeared(event);
        }

        @Override
        public void entryUpdated(EntryEvent<String, JobOutcome> event) {
            resultAppeared(event);
        }

        /** The event's value is deserialized only where a handle waits for it: most members just forget the job. */
        private void resultAppeared(EntryEvent<String, JobOutcome> event) {
            String id = event.getKey();
            if (waiting.containsKey(id)) {
                deliver(id, event.getValue());
            } else {
                notifyEnded(id);
            }
        }
    }
}
