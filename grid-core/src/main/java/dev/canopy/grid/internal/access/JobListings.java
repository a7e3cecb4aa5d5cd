package dev.canopy.grid.internal.access;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.query.Predicates;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.JobState;
import dev.canopy.grid.MemberInfo;
import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.Topology;
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
import java.util.Set;
import java.util.UUID;

/**
 * Reads what the grid knows of jobs and members, for listings and handles: a job's state,
 * failures and progress, every job's {@link JobInfo}, the {@link Topology}. Only reads; one or two
 * grid calls per answer, never a read of a job's spec.
 */
final class JobListings {

    private final HazelcastInstance hz;
    private final GridMaps maps;

    JobListings(HazelcastInstance hz, GridMaps maps) {
        this.hz = hz;
        this.maps = maps;
    }

    boolean exists(String id) {
        return maps.jobs.containsKey(id) || maps.results.containsKey(id);
    }

    List<JobInfo> jobs() {
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

    Topology topology() {
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
        // one aggregation over the one partition that holds the job's tree
        ProgressAggregator.Sums sums = maps.subjobs.aggregate(new ProgressAggregator(),
                Predicates.partitionPredicate(r.id(), new Processors.OfJob(r.id())));
        JobProgress live = Progress.of(r, sums);
        if (outcome == null) {
            return live;
        }
        return outcome.state() == JobState.COMPLETED ? Progress.completed(live) : Progress.stopped(live);
    }
}
