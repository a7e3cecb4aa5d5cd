package dev.canopy.grid.recovery;

import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.store.SubJobKey;
import dev.canopy.grid.internal.store.SubJobRecord;
import dev.canopy.grid.internal.store.SubJobState;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A snapshot of a job's record and its sub-job records, as {@link RecoveryTestSupport#tree} read
 * them, with the questions the recovery tests ask of it: who drives, which leaves run where.
 */
public record Tree(JobRecord job, List<SubJobRecord> records) {

    public UUID topDriver() {
        return job == null ? null : job.topDriver();
    }

    public SubJobRecord get(String path) {
        for (SubJobRecord r : records) {
            if (r.path().equals(path)) {
                return r;
            }
        }
        return null;
    }

    public List<SubJobRecord> leaves() {
        return records.stream().filter(SubJobRecord::leaf).toList();
    }

    /** Sub-jobs that are split further, the root excluded. */
    public List<SubJobRecord> innerDrivers() {
        return records.stream().filter(r -> !r.leaf() && !r.path().equals(SubJobKey.ROOT)).toList();
    }

    /** Members driving some non-root sub-job (its own local sub-tree counts too). */
    public Set<UUID> driverAssignees() {
        return innerDrivers().stream().map(SubJobRecord::assignee).collect(Collectors.toSet());
    }

    /** The records of the created children of {@code parent}, or null while some are missing. */
    public List<SubJobRecord> children(SubJobRecord parent) {
        List<SubJobRecord> children = new ArrayList<>();
        for (int i = 0; i < parent.children(); i++) {
            SubJobRecord child = get(parent.path() + "." + i);
            if (child == null) {
                return null;
            }
            children.add(child);
        }
        return children;
    }

    /** Records at or below {@code path}. */
    public List<SubJobRecord> under(String path) {
        return records.stream().filter(r -> r.path().equals(path) || r.path().startsWith(path + ".")).toList();
    }

    public long doneTasks() {
        return leaves().stream().filter(r -> r.state() == SubJobState.DONE).mapToLong(SubJobRecord::done).sum();
    }

    public Set<UUID> assigneesOf(List<SubJobRecord> list) {
        return list.stream().map(SubJobRecord::assignee).collect(Collectors.toCollection(HashSet::new));
    }
}
