package dev.canopy.node.http;

import dev.canopy.grid.GraphId;
import dev.canopy.grid.GraphInfo;
import dev.canopy.grid.Grid;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.MemberInfo;
import dev.canopy.grid.StageInfo;
import dev.canopy.grid.Topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What the JSON API answers, as records Jackson writes field by field: the public records of
 * {@code dev.canopy.grid} with ids and instants turned into strings, a job's tree, and a graph's
 * stages with their jobs' progress. Every method reads the grid afresh; nothing is cached.
 */
final class StatusApi {

    record MemberView(UUID uuid, String address, int workerThreads, int busy, int queuedLeaves, List<String> roles) {
        static MemberView of(MemberInfo m) {
            List<String> roles = m.roles() == null ? List.of() : m.roles().stream().sorted().toList();
            return new MemberView(m.uuid(), m.address(), m.workerThreads(), m.busy(), m.queuedLeaves(), roles);
        }
    }

    record TopologyView(List<MemberView> members) {
    }

    record ProgressView(long total, long done, long failed, long retried, long running, int depth, int leaves) {
        static ProgressView of(JobProgress p) {
            if (p == null) {
                return null;
            }
            return new ProgressView(p.total(), p.done(), p.failed(), p.retried(), p.running(), p.depth(), p.leaves());
        }
    }

    /**
     * {@code submitted} is ISO-8601 in UTC ({@code 2025-01-31T12:00:00.123Z}); name, submitted and
     * topDriver may be null.
     */
    record JobView(String id, String name, String state, ProgressView progress, String submitted, UUID topDriver) {
        static JobView of(JobInfo j) {
            return new JobView(j.id().toString(), j.name(), j.state() == null ? null : j.state().name(),
                    ProgressView.of(j.progress()), j.submitted() == null ? null : j.submitted().toString(),
                    j.topDriver());
        }
    }

    /** A job with its tree; {@code treeSize} counts the tree's nodes before the cut at {@link JobTree#MAX_NODES}. */
    record JobDetailView(String id, String name, String state, ProgressView progress, String submitted,
                         UUID topDriver, List<JobTree.Node> tree, int treeSize, boolean treeTruncated) {
    }

    /**
     * One page of the job listing, newest first: {@code jobs} are those from {@code offset} on, at most
     * {@code limit}; {@code total} counts every job the grid lists.
     */
    record JobsPage(List<JobView> jobs, int total, int offset, int limit) {
    }

    record CancelView(String id, boolean cancelled) {
    }

    /**
     * One stage of a graph: {@code job} is null until the stage's job is created, {@code error} says why
     * it failed or did not run, and {@code progress} is its job's, null while it has none (or once the
     * job's record has expired).
     */
    record StageView(String name, List<String> after, String state, String job, String error,
                     ProgressView progress) {
        static StageView of(StageInfo s, Map<JobId, JobInfo> jobs) {
            JobInfo job = s.job() == null ? null : jobs.get(s.job());
            return new StageView(s.name(), s.after(), s.state() == null ? null : s.state().name(),
                    s.job() == null ? null : s.job().toString(), s.error(),
                    job == null ? null : ProgressView.of(job.progress()));
        }
    }

    /**
     * A graph and its stages, in the order they were added. {@code submitted} is ISO-8601 in UTC;
     * {@code driver} is the member driving it, null once it ended.
     */
    record GraphView(String id, String name, String state, String submitted, UUID driver, List<StageView> stages) {
        static GraphView of(GraphInfo g, Map<JobId, JobInfo> jobs) {
            List<StageView> stages = g.stages().stream().map(s -> StageView.of(s, jobs)).toList();
            return new GraphView(g.id().toString(), g.name(), g.state() == null ? null : g.state().name(),
                    g.submitted() == null ? null : g.submitted().toString(), g.driver(), stages);
        }
    }

    /** One page of the graph listing, newest first, as {@link JobsPage} is of jobs. */
    record GraphsPage(List<GraphView> graphs, int total, int offset, int limit) {
    }

    /** Newest first; jobs submitted at the same instant by id, so pages do not overlap. */
    private static final Comparator<JobInfo> NEWEST_FIRST = Comparator
            .comparing(JobInfo::submitted, Comparator.nullsFirst(Comparator.<Instant>naturalOrder())).reversed()
            .thenComparing(j -> j.id().toString());

    /** As {@link #NEWEST_FIRST}, for graphs. */
    private static final Comparator<GraphInfo> NEWEST_GRAPHS_FIRST = Comparator
            .comparing(GraphInfo::submitted, Comparator.nullsFirst(Comparator.<Instant>naturalOrder())).reversed()
            .thenComparing(g -> g.id().toString());

    private final Grid grid;
    private final JobTree tree;

    /** @param tree null when the grid offers no Hazelcast instance to read trees from: trees are then empty */
    StatusApi(Grid grid, JobTree tree) {
        this.grid = grid;
        this.tree = tree;
    }

    TopologyView topology() {
        Topology t = grid.topology();
        List<MemberView> members = new ArrayList<>(t.members().size());
        for (MemberInfo m : t.members()) {
            members.add(MemberView.of(m));
        }
        return new TopologyView(members);
    }

    /** Jobs {@code offset .. offset + limit - 1} of the grid's listing, newest first (the grid lists them all). */
    JobsPage jobs(int offset, int limit) {
        List<JobInfo> all = new ArrayList<>(grid.jobs());
        all.sort(NEWEST_FIRST);
        int from = Math.min(offset, all.size());
        int to = (int) Math.min((long) from + limit, all.size());
        List<JobView> page = all.subList(from, to).stream().map(JobView::of).toList();
        return new JobsPage(page, all.size(), offset, limit);
    }

    /** @throws HttpError 404 when the grid knows no job {@code id} */
    JobDetailView job(JobId id) {
        JobView job = grid.jobs().stream()
                .filter(j -> id.equals(j.id()))
                .findFirst()
                .map(JobView::of)
                .orElseGet(() -> finishedJob(id));
        JobTree.Tree t = tree == null ? new JobTree.Tree(List.of(), 0) : tree.read(id);
        return new JobDetailView(job.id(), job.name(), job.state(), job.progress(), job.submitted(),
                job.topDriver(), t.nodes(), t.total(), t.truncated());
    }

    /** A job whose record has gone but whose result is still kept: what its handle tells. */
    private JobView finishedJob(JobId id) {
        JobHandle<?> handle = handle(id);
        return new JobView(id.toString(), null, handle.state().name(), ProgressView.of(handle.progress()), null, null);
    }

    /** Graphs {@code offset .. offset + limit - 1} of the grid's listing, newest first, with their stages. */
    GraphsPage graphs(int offset, int limit) {
        List<GraphInfo> all = new ArrayList<>(grid.graphs());
        all.sort(NEWEST_GRAPHS_FIRST);
        int from = Math.min(offset, all.size());
        int to = (int) Math.min((long) from + limit, all.size());
        List<GraphInfo> page = all.subList(from, to);
        Map<JobId, JobInfo> jobs = stageJobs(page);
        return new GraphsPage(page.stream().map(g -> GraphView.of(g, jobs)).toList(), all.size(), offset, limit);
    }

    /** @throws HttpError 404 when the grid holds no graph {@code id} */
    GraphView graph(GraphId id) {
        GraphInfo graph = grid.graphs().stream()
                .filter(g -> id.equals(g.id()))
                .findFirst()
                .orElseThrow(() -> HttpError.notFound(
                        "no graph " + id + ": it never existed here, or it ended and its record expired"));
        return GraphView.of(graph, stageJobs(List.of(graph)));
    }

    /** The listed jobs by id, for their progress; the listing is read only when a stage of {@code graphs} has a job. */
    private Map<JobId, JobInfo> stageJobs(List<GraphInfo> graphs) {
        boolean any = graphs.stream().flatMap(g -> g.stages().stream()).anyMatch(s -> s.job() != null);
        if (!any) {
            return Map.of();
        }
        Map<JobId, JobInfo> jobs = new HashMap<>();
        for (JobInfo j : grid.jobs()) {
            jobs.put(j.id(), j);
        }
        return jobs;
    }

    /** @throws HttpError 404 when the grid knows no job {@code id} */
    CancelView cancel(JobId id) {
        return new CancelView(id.toString(), handle(id).cancel());
    }

    private JobHandle<?> handle(JobId id) {
        Optional<JobHandle<?>> handle = grid.job(id);
        return handle.orElseThrow(() -> HttpError.notFound(
                "no job " + id + ": it never existed here, or it ended and its result expired"));
    }
}
