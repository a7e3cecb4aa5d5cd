package dev.canopy.grid.spi;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import dev.canopy.grid.JobId;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Reads a job's tree, for tools that show it. */
public final class JobTrees {

    private JobTrees() {
    }

    /**
     * The sub-jobs of {@code job} as they stand, in no particular order; empty for a job the grid
     * does not know (or no longer keeps). One query of one partition, since a job's whole tree lives
     * in the partition of its id: about the cost of {@code JobHandle.progress()}.
     *
     * @param hz a member or a client of the grid
     */
    public static List<SubJobView> read(HazelcastInstance hz, JobId job) {
        Objects.requireNonNull(hz, "hz");
        String id = Objects.requireNonNull(job, "job").toString();
        // other jobs' trees share the partition: the predicate keeps this job's on the partition's owner,
        // and the projection drops (as null) an entry there that is not a sub-job record
        IMap<SubJobKey, SubJobRecord> subjobs = hz.getMap(GridMaps.SUBJOBS);
        Collection<SubJobRecord> records = subjobs.project(new Processors.Readable(),
                Predicates.partitionPredicate(id, new Processors.OfJob(id)));
        List<SubJobView> views = new ArrayList<>(records.size());
        for (SubJobRecord r : records) {
            if (r != null) {
                views.add(view(r));
            }
        }
        return views;
    }

    private static SubJobView view(SubJobRecord r) {
        return new SubJobView(r.path(), r.parentPath(), SubJobKey.depth(r.path()), r.leaf(), state(r.state()),
                r.assignee(), r.attempt(), r.slice() == null ? 0 : r.slice().size(), r.done(), r.children(),
                r.reruns());
    }

    /** Spelled out, not by name, so a state added to the engine fails to compile here rather than at a reader. */
    private static SubJobView.State state(SubJobState state) {
        if (state == null) {
            return null;
        }
        return switch (state) {
            case ASSIGNED -> SubJobView.State.ASSIGNED;
            case RUNNING -> SubJobView.State.RUNNING;
            case DONE -> SubJobView.State.DONE;
        };
    }
}
