package dev.canopy.node.http;

import dev.canopy.grid.Grid;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobProgress;
import dev.canopy.grid.MemberInfo;
import dev.canopy.grid.Topology;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the JSON API answers, as records Jackson writes field by field: the public records of
 * {@code dev.canopy.grid} with ids and instants turned into strings, and a job's tree. Every method
 * reads the grid afresh; nothing is cached.
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

    /** Newest first; jobs submitted at the same instant by id, so pages do not overlap. */
    private static final Comparator<JobInfo> NEWEST_FIRST = Comparator
            .comparing(JobInfo::submitted, Comparator.nullsFirst(Comparator.<Instant>naturalOrder())).reversed()
            .thenComparing(j -> j.id().toString());

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
