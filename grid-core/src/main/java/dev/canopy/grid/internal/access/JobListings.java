package dev.canopy.grid.internal.access;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.query.Predicates;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;
import dev.canopy.grid.MemberInfo;
import dev.canopy.grid.RetriableGridException;
import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.Topology;
import dev.canopy.grid.internal.spec.Errors;
import dev.canopy.grid.internal.store.ForeignEntries;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.JobOutcome;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.Progress;
import dev.canopy.grid.internal.store.ProgressAggregator;

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
import java.util.function.Supplier;

/**
 * Reads what the grid knows of jobs and members, for listings and handles: a job's state,
 * failures and progress, every job's {@link JobInfo}, the {@link Topology}. Only reads; one or two
 * grid calls per answer, never a read of a job's spec.
 *
 * <p>A listing lists what it can read: an entry that is not Canopy's (a value of another type, bytes
 * that do not deserialize, a key that is no job id) is left out and logged by {@link ForeignEntries},
 * on the member that holds it or here, rather than failing every listing in the cluster.
 */
final class JobListings {

    private final HazelcastInstance hz;
    private final GridMaps maps;

    JobListings(HazelcastInstance hz, GridMaps maps) {
        this.hz = hz;
        this.maps = maps;
    }

    boolean exists(String id) {
        return guarded("job " + id, () -> maps.jobs.containsKey(id) || maps.results.containsKey(id));
    }

    List<JobInfo> jobs() {
        return guarded("the list of jobs", this::readJobs);
    }

    /**
     * Runs a read of the grid's records. A refusal by Hazelcast's split-brain protection (the members
     * this one reaches are fewer than {@code minClusterSize}, or were a moment ago) becomes a
     * {@link RetriableGridException} that says so, in place of Hazelcast's bare exception.
     */
    private static <T> T guarded(String what, Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            if (Errors.peel(e) instanceof SplitBrainProtectionException refused) {
                throw new RetriableGridException("could not read " + what + ": the members this one reaches are fewer"
                        + " than their minClusterSize (a network split?); ask again once the network heals", refused);
            }
            throw e;
        }
    }

    private List<JobInfo> readJobs() {
        // null for an entry that is not a job record: skipped where it lies
        Collection<JobRecord> projected = maps.jobs.project(new Processors.WithoutSpec());
        List<Map.Entry<JobId, JobRecord>> records = new ArrayList<>(projected.size());
        Set<String> unfinished = new HashSet<>();
        for (JobRecord r : projected) {
            JobId id = r == null ? null : jobIdOf(r);
            if (id == null) {
                continue;
            }
            records.add(Map.entry(id, r));
            if (!r.state().isTerminal()) {
                unfinished.add(r.id());
            }
        }
        // a job whose result is written but whose record is not finished yet counts as ended
        Map<String, JobState> ended = unfinished.isEmpty() ? Map.of()
                : maps.results.executeOnKeys(unfinished, new Processors.OutcomeState());
        List<JobInfo> infos = new ArrayList<>(records.size());
        for (Map.Entry<JobId, JobRecord> e : records) {
            JobRecord r = e.getValue();
            infos.add(infoOf(e.getKey(), r, ended.get(r.id())));
        }
        infos.sort(Comparator.comparing(JobInfo::submitted));
        return infos;
    }

    /** The record's job id, or null (the skip logged) when its key is not one: someone else's record. */
    private static JobId jobIdOf(JobRecord r) {
        try {
            return JobId.parse(r.id());
        } catch (RuntimeException e) {
            ForeignEntries.skipped(GridMaps.JOBS, ForeignEntries.quote(r.id()), "holds a job record whose id is no job id");
            return null;
        }
    }

    Topology topology() {
        Set<Member> members = hz.getCluster().getMembers();
        Set<UUID> ids = new HashSet<>();
        for (Member m : members) {
            ids.add(m.getUuid());
        }
        Map<UUID, ?> infos = maps.members.getAll(ids);
        List<MemberInfo> list = new ArrayList<>();
        for (Member m : members) {
            // a member's own entry, unless something else was put under its id
            MemberInfo info = infos.get(m.getUuid()) instanceof MemberInfo mine ? mine : null;
            list.add(info != null ? info : new MemberInfo(m.getUuid(),
                    m.getAddress().getHost() + ":" + m.getAddress().getPort(), 0, 0, 0, Set.of()));
        }
        return new Topology(List.copyOf(list));
    }

    /** One job's line, as {@link #jobs()} would list it; empty when its record is gone. */
    Optional<JobInfo> info(String id) {
        return guarded("job " + id, () -> readInfo(id));
    }

    private Optional<JobInfo> readInfo(String id) {
        JobRecord r = maps.jobs.executeOnKey(id, new Processors.Peek());
        JobId jobId = r == null ? null : jobIdOf(r);
        if (jobId == null) {
            return Optional.empty();
        }
        JobState end = r.state().isTerminal() ? null : maps.results.executeOnKey(id, new Processors.OutcomeState());
        return Optional.of(infoOf(jobId, r, end));
    }

    /** {@code end}: the state of the job's result when it has one and its record is not finished yet. */
    private JobInfo infoOf(JobId id, JobRecord r, JobState end) {
        return new JobInfo(id, r.name(), end != null ? end : r.state(), progressOf(r, end),
                Instant.ofEpochMilli(r.submittedMillis()), r.topDriver());
    }

    JobState state(String id) {
        return guarded("the state of job " + id, () -> readState(id));
    }

    private JobState readState(String id) {
        JobState ended = maps.results.executeOnKey(id, new Processors.OutcomeState());
        if (ended != null) {
            return ended;
        }
        JobRecord r = maps.jobs.executeOnKey(id, new Processors.Peek());
        return r == null ? JobState.SUBMITTED : r.state();
    }

    List<TaskFailure> failures(String id) {
        return guarded("the failures of job " + id, () -> readFailures(id));
    }

    private List<TaskFailure> readFailures(String id) {
        // a result, unless something else was put under the job's id
        if ((Object) maps.results.get(id) instanceof JobOutcome outcome) {
            return outcome.failures();
        }
        JobRecord r = maps.jobs.executeOnKey(id, new Processors.Peek());
        return r == null ? List.of() : r.failures();
    }

    JobProgress progress(String id) {
        return guarded("the progress of job " + id, () -> readProgress(id));
    }

    private JobProgress readProgress(String id) {
        JobRecord r = maps.jobs.executeOnKey(id, new Processors.Peek());
        if (r == null) {
            return JobProgress.empty(0);
        }
        return progressOf(r, r.progress() != null ? null : maps.results.executeOnKey(id, new Processors.OutcomeState()));
    }

    /** {@code ended}: the state of the job's result if it has one (read by the caller, which may have read many at once). */
    private JobProgress progressOf(JobRecord r, JobState ended) {
        if (r.progress() != null) {
            return r.progress();
        }
        // one aggregation over the one partition that holds the job's tree
        ProgressAggregator.Sums sums = maps.subjobs.aggregate(new ProgressAggregator(),
                Predicates.partitionPredicate(r.id(), new Processors.OfJob(r.id())));
        JobProgress live = Progress.of(r, sums);
        if (ended == null) {
            return live;
        }
        return ended == JobState.COMPLETED ? Progress.completed(live) : Progress.stopped(live);
    }
}
