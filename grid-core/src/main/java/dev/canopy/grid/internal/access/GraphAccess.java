package dev.canopy.grid.internal.access;

import dev.canopy.grid.GraphHandle;
import dev.canopy.grid.GraphId;
import dev.canopy.grid.GraphInfo;
import dev.canopy.grid.JobFailedException;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobState;
import dev.canopy.grid.StageInfo;
import dev.canopy.grid.StageState;
import dev.canopy.grid.internal.spec.Codec;
import dev.canopy.grid.internal.spec.GraphSpec;
import dev.canopy.grid.internal.store.GraphProcessors;
import dev.canopy.grid.internal.store.GraphRecord;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.JobOutcome;
import dev.canopy.grid.internal.store.Processors;
import dev.canopy.grid.internal.store.StageRecord;
import dev.canopy.grid.internal.trust.ClusterKey;
import dev.canopy.grid.internal.trust.Signed;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;

/**
 * Job graphs as a member and a client share them: submitting one to the owner of its id's
 * partition (which drives it), finding it by id, listing graphs, cancelling one. A graph's end is
 * written to {@code canopy.results} under its id, sealed like a job's, so its handles wait for it
 * through the same {@link ResultWatch}.
 *
 * <p>What it writes: a graph's end and its record's end, when a handle cancels it (or its driver's
 * timeout does); the graph's driver writes the rest.
 */
public final class GraphAccess {

    private final GridMaps maps;
    private final ResultWatch watch;
    private final JobEnds ends;
    private final JobListings listings;
    private final CodeShipper shipper;
    private final ClusterKey key;
    private final UUID localId;
    private final ScheduledExecutorService timer;
    private final long resultTtlMillis;

    GraphAccess(GridMaps maps, ResultWatch watch, JobEnds ends, JobListings listings, CodeShipper shipper,
                ClusterKey key, UUID localId, ScheduledExecutorService timer, long resultTtlMillis) {
        this.maps = maps;
        this.watch = watch;
        this.ends = ends;
        this.listings = listings;
        this.shipper = shipper;
        this.key = key;
        this.localId = localId;
        this.timer = timer;
        this.resultTtlMillis = resultTtlMillis;
    }

    /**
     * Submits a graph: {@code sender} hands its record and signed spec (with its code) to the owner
     * of the graph's partition, which writes the record and drives the graph. The spec is serialized
     * first, so a stage whose job or factory cannot travel fails here and nothing is written.
     */
    public GraphHandle submit(GraphSpec spec, GraphId id, BiConsumer<GraphRecord, byte[]> sender) {
        String graphId = id.toString();
        String what = "graph '" + spec.name() + "'";
        byte[] bytes = Signed.sign(key, ClusterKey.Use.SPEC, graphId,
                shipper.ship(spec, spec.loader(), what, Codec.serialize(spec, what)));
        watch.submitting(graphId);
        JobFuture<Map<String, Object>> future = watch.await(graphId, spec.loader());
        boolean accepted = false;
        try {
            sender.accept(GraphRecord.submitted(graphId, spec, localId, System.currentTimeMillis()), bytes);
            accepted = true;
        } finally {
            watch.submitted(graphId, accepted);
        }
        List<String> stages = spec.stages().stream().map(GraphSpec.Stage::name).toList();
        return new GraphHandleImpl(id, spec.name(), stages, this, future, spec.loader());
    }

    /** Sends a new graph to the owner of its partition and waits until its record is written. */
    public void submitRemotely(GraphRecord record, byte[] spec, GridAccess access) {
        access.callOwner(new SubmitGraph(record, spec), record.id(), "graph " + record.id() + " ('" + record.name()
                + "')");
    }

    /** A handle on a graph, from any node or client, also after its submitter died. */
    public Optional<GraphHandle> find(GraphId id) {
        String graphId = id.toString();
        GraphRecord record = peek(graphId);
        if (record == null) {
            return Optional.empty();
        }
        ClassLoader loader = GridAccess.contextLoader();
        List<String> stages = record.stages().stream().map(StageRecord::name).toList();
        return Optional.of(new GraphHandleImpl(id, record.name(), stages, this, watch.watch(graphId, loader), loader));
    }

    /** Every graph the grid holds (ended ones until their results expire), oldest first. */
    public List<GraphInfo> list() {
        Collection<GraphRecord> records = maps.graphs.project(new GraphProcessors.WithoutSpec());
        List<GraphInfo> infos = new ArrayList<>();
        for (GraphRecord r : records) {
            GraphInfo info = r == null ? null : infoOf(r);
            if (info != null) {
                infos.add(info);
            }
        }
        infos.sort(Comparator.comparing(GraphInfo::submitted));
        return infos;
    }

    /** The graph's line in a listing, or null (skipped) when its key is no graph id: someone else's entry. */
    static GraphInfo infoOf(GraphRecord r) {
        GraphId id;
        try {
            id = GraphId.parse(r.id());
        } catch (IllegalArgumentException e) {
            return null;
        }
        List<StageInfo> stages = new ArrayList<>();
        for (StageRecord s : r.stages()) {
            stages.add(new StageInfo(s.name(), s.after(), s.state(), jobOf(s), s.error()));
        }
        return new GraphInfo(id, r.name(), r.state(), Instant.ofEpochMilli(r.submittedMillis()), r.driver(),
                List.copyOf(stages));
    }

    /** A stage's job once it exists: a reserved id (STARTING) may not name a job yet. */
    static JobId jobOf(StageRecord s) {
        if (s.jobId() == null || s.state() == StageState.STARTING) {
            return null;
        }
        try {
            return JobId.parse(s.jobId());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Cancels a graph not ended yet, with {@code cause} (a timeout's, or null for a user's cancel):
     * its end is written first, so a completion and a cancel cannot both win; then its record ends
     * (no stage can be reserved after that), and every stage job it named is cancelled.
     */
    public boolean cancel(String graphId, Throwable cause) {
        GraphRecord record = peek(graphId);
        if (record == null || record.state().isTerminal()) {
            return false;
        }
        if (!ends.endGraph(graphId, JobOutcome.cancelled(cause))) {
            return false;
        }
        String why = cause == null ? "the graph was cancelled" : "the graph was cancelled: " + cause.getMessage();
        GraphRecord before = maps.graphs.executeOnKey(graphId,
                new GraphProcessors.EndGraph(JobState.CANCELLED, StageState.CANCELLED, why, resultTtlMillis));
        cancelStageJobs(before == null ? record : before);
        return true;
    }

    /** Cancels the job of every stage of {@code record} that has one and had not ended. */
    public void cancelStageJobs(GraphRecord record) {
        for (StageRecord s : record.stages()) {
            if (s.jobId() != null && !s.state().isTerminal()) {
                ends.cancel(s.jobId());
            }
        }
    }

    /** The graph's state now: its end's, once written, else its record's. */
    JobState state(String graphId) {
        JobState ended = maps.results.executeOnKey(graphId, new Processors.OutcomeState());
        if (ended != null) {
            return ended;
        }
        GraphRecord r = peek(graphId);
        return r == null ? JobState.SUBMITTED : r.state();
    }

    GraphRecord peek(String graphId) {
        return maps.graphs.executeOnKey(graphId, new GraphProcessors.Peek());
    }

    ResultWatch watch() {
        return watch;
    }

    JobListings listings() {
        return listings;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /** The failure of a stage that never had a job: it did not run, and {@code why} says why. */
    static JobFailedException stageNotRun(String graphId, String graphName, StageRecord stage) {
        String why = stage.error() != null ? stage.error() : "it did not run";
        return Failures.graphFailed(graphId, graphName, stage.name(), "did not complete: " + why, stage.cause());
    }
}
