package dev.canopy.grid;

import dev.canopy.grid.internal.access.GridAccess;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link GridNode} and {@link GridClient} answer alike, from the grid's records through
 * {@link GridAccess}: finding a job, listing jobs, the topology. Package-private and sealed, so it
 * is no part of the API: the only class in this package that is not an interface, record, enum or
 * final class, kept so the two entry points do not copy each other.
 */
abstract sealed class RecordsGrid implements Grid permits GridNode, GridClient {

    final GridAccess access;

    RecordsGrid(GridAccess access) {
        this.access = access;
    }

    @Override
    public Optional<JobHandle<?>> job(JobId id) {
        return access.job(Objects.requireNonNull(id, "id"));
    }

    @Override
    public Optional<GraphHandle> graph(GraphId id) {
        return access.graphs().find(Objects.requireNonNull(id, "id"));
    }

    @Override
    public List<GraphInfo> graphs() {
        return access.graphs().list();
    }

    @Override
    public List<JobInfo> jobs() {
        return access.jobs();
    }

    @Override
    public Topology topology() {
        return access.topology();
    }
}
