package dev.canopy.grid.internal.access;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.canopy.grid.JobFailedException;
import dev.canopy.grid.JobState;
import dev.canopy.grid.internal.spec.Codec;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.JobOutcome;
import dev.canopy.grid.internal.store.UserValue;
import dev.canopy.grid.internal.trust.ClusterKey;
import dev.canopy.grid.internal.trust.Refusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Completes the result futures of the jobs that handles on this node or client wait for.
 *
 * <p>What it owns: the futures by job id, and the jobs seen missing from the grid. One entry
 * listener on {@code canopy.results} completes every future, so waiting for a job costs no
 * registration per job. Events can be lost while members come and go, so every two seconds it
 * also looks up the results of the jobs it waits for: a lost event costs seconds, never a hang. A
 * job whose record and result are both gone, twice a few seconds apart, was lost, and its futures
 * fail, saying whether the whole cluster went (none of the members there when it was awaited is
 * left) or only some of its members.
 *
 * <p>Threads: the listener runs on Hazelcast's event threads, the poll on the access timer,
 * {@link #deliver} also on whichever engine thread wrote a result.
 */
public final class ResultWatch {

    private static final Logger LOG = LoggerFactory.getLogger(ResultWatch.class);
    private static final long POLL_SECONDS = 2;
    private static final long LOST_AFTER_MILLIS = 4_000;

    private final HazelcastInstance hz;
    /** Only an end that verifies with it is delivered or told to the end listeners. */
    private final ClusterKey key;
    private final GridMaps maps;
    private final ScheduledExecutorService timer;
    private final Map<String, List<JobFuture<Object>>> waiting = new ConcurrentHashMap<>();
    private final List<Consumer<String>> endListeners = new CopyOnWriteArrayList<>();
    private volatile Predicate<String> holds = id -> true;
    private final Map<String, Long> missingSince = new ConcurrentHashMap<>();
    /** The cluster's members when each job was first awaited: the set Hazelcast hands out (a member shares its own). */
    private final Map<String, Set<Member>> membersAtStart = new ConcurrentHashMap<>();
    private final Supplier<Set<Member>> members;
    /** Jobs whose submit call has not returned: their records may not be written yet. */
    private final Set<String> submitting = ConcurrentHashMap.newKeySet();
    private UUID listener;

    /** {@code members}: the cluster's members as the node or client sees them now. */
    ResultWatch(HazelcastInstance hz, GridMaps maps, ScheduledExecutorService timer, Supplier<Set<Member>> members,
                ClusterKey key) {
        this.hz = hz;
        this.key = key;
        this.maps = maps;
        this.timer = timer;
        this.members = members;
    }

    void start() {
        listener = maps.results.addEntryListener(new ResultListener(), true);
        timer.scheduleWithFixedDelay(this::pollWaiting, POLL_SECONDS, POLL_SECONDS, TimeUnit.SECONDS);
    }

    /** Fails every future still waiting: the node or client that watches them is closing. */
    void close() {
        if (listener != null) {
            try {
                maps.results.removeEntryListener(listener);
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
        membersAtStart.clear();
    }

    /** Fails every future still waiting with {@code failure}: nothing can reach the grid any more. */
    void failAll(Function<String, JobFailedException> failure) {
        for (String id : Set.copyOf(waiting.keySet())) {
            deliver(id, JobOutcome.failed(failure.apply(id)));
        }
    }

    /** Calls {@code listener} with the id of every job whose result appears. */
    public void onJobEnded(Consumer<String> listener) {
        endListeners.add(listener);
    }

    /**
     * With a key, the end of a job nobody here waits for is read and verified only when
     * {@code holds} says this member takes part in the job: verifying means decoding the result on
     * every member, for every job. A member that holds nothing of a job loses nothing by not hearing
     * of its end (its watchdog finds ended jobs it holds, verified, in any case).
     */
    public void onlyFor(Predicate<String> holds) {
        this.holds = holds;
    }

    /** A future completed by the job's result event (or the poll that backs it up); for a job just submitted. */
    @SuppressWarnings("unchecked")
    <R> JobFuture<R> await(String id, ClassLoader loader) {
        JobFuture<Object> future = new JobFuture<>(loader);
        waiting.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(future);
        membersAtStart.computeIfAbsent(id, k -> members.get());
        return (JobFuture<R>) future;
    }

    /** A future for a job that may have ended already: its result is looked up once. */
    <R> JobFuture<R> watch(String id, ClassLoader loader) {
        JobFuture<R> future = await(id, loader);
        JobOutcome already = maps.results.get(id);
        if (already != null && isTrue(id, already)) {
            deliver(id, already);
        }
        return future;
    }

    void submitting(String id) {
        submitting.add(id);
    }

    /** The submit call returned; {@code accepted} false when it failed and nothing waits for the job any more. */
    void submitted(String id, boolean accepted) {
        submitting.remove(id);
        if (!accepted) {
            waiting.remove(id);
            membersAtStart.remove(id);
        }
    }

    /** Completes the futures waiting for job {@code id} with its outcome, and tells the end listeners. */
    public void deliver(String id, JobOutcome outcome) {
        List<JobFuture<Object>> futures = waiting.remove(id);
        membersAtStart.remove(id);
        if (futures != null) {
            for (JobFuture<Object> f : futures) {
                if (outcome.state() == JobState.COMPLETED) {
                    complete(f, id, outcome.result());
                } else {
                    f.completeExceptionally(Failures.toUser(id, outcome));
                }
            }
        }
        notifyEnded(id);
    }

    /** A result of a job that ships code is read with the future's loader; one it cannot read fails it, naming the class. */
    private static void complete(JobFuture<Object> future, String id, Object result) {
        if (!(result instanceof UserValue value)) {
            future.complete(result);
            return;
        }
        try {
            future.complete(Codec.deserialize(value.bytes(), future.loader));
        } catch (Codec.ClassMissing e) {
            future.completeExceptionally(Failures.resultUnreadable(id, e.className()));
        } catch (Codec.Refused e) {
            future.completeExceptionally(Failures.jobFailed(id, null, "its result could not be decoded: " + e.getMessage(), null));
        } catch (RuntimeException e) {
            future.completeExceptionally(Failures.jobFailed(id, null, "its result cannot be read here", e));
        }
    }

    /**
     * Whether {@code outcome} verifies as job {@code id}'s end. One that does not is logged and
     * ignored: the job's true end replaces it (see {@code JobEnds}), and that one is delivered.
     */
    private boolean isTrue(String id, Object outcome) {
        if (outcome instanceof JobOutcome o && o.verifies(key, id)) {
            return true;
        }
        Refusals.warn(hz, "an end of job " + id + " found in canopy.results", null,
                outcome instanceof JobOutcome ? "not sealed with this cluster's key; handles wait for the true one"
                        : "not a job's end (" + (outcome == null ? "null" : outcome.getClass().getName()) + ")");
        return false;
    }

    private void notifyEnded(String id) {
        for (Consumer<String> l : endListeners) {
            try {
                l.accept(id);
            } catch (RuntimeException e) {
                LOG.warn("A job-end listener failed for job {}", id, e);
            }
        }
    }

    private void pollWaiting() {
        if (waiting.isEmpty()) {
            missingSince.clear();
            return;
        }
        try {
            Set<String> ids = new HashSet<>(waiting.keySet());
            Map<String, JobOutcome> ended = new HashMap<>(maps.results.getAll(ids));
            ended.entrySet().removeIf(e -> !isTrue(e.getKey(), e.getValue()));
            ended.forEach(this::deliver);
            ids.removeAll(ended.keySet());
            failLostJobs(ids);
        } catch (RuntimeException e) {
            LOG.debug("Could not poll for job results; next try in {} s", POLL_SECONDS, e);
        }
    }

    /**
     * A job whose record and result are both gone, twice a few seconds apart, was lost: its records
     * were on more members than {@code backupCount} that left at once (or before their backups were
     * in sync), or the whole cluster stopped and the one here now was started anew. Its handles fail
     * rather than wait for ever.
     */
    private void failLostJobs(Set<String> unfinished) {
        Set<String> present = new HashSet<>(unfinished.isEmpty() ? Set.of() : maps.jobs.getAll(unfinished).keySet());
        // what is no job may be a graph, whose result is awaited the same way
        Set<String> notJobs = new HashSet<>(unfinished);
        notJobs.removeAll(present);
        if (!notJobs.isEmpty()) {
            present.addAll(maps.graphs.getAll(notJobs).keySet());
        }
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
                boolean withCluster = noneLeftOf(membersAtStart.get(id));
                LOG.warn("Job {} was lost: its record and result are gone from the grid{}", id,
                        withCluster ? ", as is every member there when it was awaited" : "");
                deliver(id, JobOutcome.failed(withCluster ? Failures.lostWithCluster(id) : Failures.lost(id)));
            }
        }
    }

    /** True when none of {@code then} is a member now: every member known then left (a client sees new ones). */
    private boolean noneLeftOf(Set<Member> then) {
        if (then == null || then.isEmpty()) {
            return false;
        }
        Set<UUID> now = new HashSet<>();
        for (Member m : members.get()) {
            now.add(m.getUuid());
        }
        for (Member m : then) {
            if (now.contains(m.getUuid())) {
                return false;
            }
        }
        return true;
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

        /**
         * The event's value is deserialized only where it is acted on: where a handle waits for it,
         * and, with a key, where the engine holds part of the job (it stops that work on a true end
         * only). Without a key the other members just forget the job.
         */
        private void resultAppeared(EntryEvent<String, JobOutcome> event) {
            String id = event.getKey();
            boolean awaited = waiting.containsKey(id);
            boolean verify = awaited || (key.isSet() && holds.test(id));
            if ((key.isSet() && !verify) || (verify && !isTrue(id, event.getValue()))) {
                return;
            }
            if (awaited) {
                deliver(id, event.getValue());
            } else {
                notifyEnded(id);
            }
        }
    }
}
