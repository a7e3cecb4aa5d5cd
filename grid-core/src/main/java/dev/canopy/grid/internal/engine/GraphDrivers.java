package dev.canopy.grid.internal.engine;

import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobRefusedException;
import dev.canopy.grid.JobState;
import dev.canopy.grid.internal.access.Failures;
import dev.canopy.grid.internal.access.GridAccess;
import dev.canopy.grid.internal.spec.GraphSpec;
import dev.canopy.grid.internal.store.GraphProcessors;
import dev.canopy.grid.internal.store.GraphRecord;
import dev.canopy.grid.internal.store.JobOutcome;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.trust.NotSignedException;
import dev.canopy.grid.internal.trust.Refusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The job graphs this member drives: those submitted to it (it owns their id's partition), and
 * those it takes over, once a second, when their driver is gone from the partitions it owns, as
 * the watchdog does for jobs. Each graph is driven by one {@link GraphRun}.
 *
 * <p>What it writes: a new graph's record (with its signed spec), and the record's driver when it
 * takes a graph over. Threads: submits arrive on {@code canopy.control} threads or the submitting
 * thread; {@link #tick()} runs on the engine's timer and takes graphs over on the driver pool.
 */
final class GraphDrivers {

    private static final Logger LOG = LoggerFactory.getLogger(GraphDrivers.class);
    private static final Predicate<String, GraphRecord> RUNNING = Predicates.equal("state", JobState.RUNNING);

    private final Shared shared;
    private final GridAccess access;
    private final ExecutorService driverPool;
    private final ScheduledExecutorService timer;
    private final Supplier<JobId> newJobId;
    private final BiConsumer<JobRecord, byte[]> submitter;
    /** Whether this member's side still holds the quorum (see {@link Quorum}), asked again at the moment of a takeover. */
    private final BooleanSupplier stillHolds;
    private final Map<String, GraphRun> runs = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    /**
     * @param newJobId  ids for stage jobs: in this member's partitions, so it also top-drives them
     * @param submitter how this member submits a stage's job (its engine's submit)
     */
    GraphDrivers(Shared shared, GridAccess access, ExecutorService driverPool, ScheduledExecutorService timer,
                 Supplier<JobId> newJobId, BiConsumer<JobRecord, byte[]> submitter, BooleanSupplier stillHolds) {
        this.stillHolds = stillHolds;
        this.shared = shared;
        this.access = access;
        this.driverPool = driverPool;
        this.timer = timer;
        this.newJobId = newJobId;
        this.submitter = submitter;
    }

    /**
     * A new graph for this member, the owner of its partition: verifies its spec, writes its record
     * (RUNNING, driven here) and starts driving it. A spec this member cannot read fails the graph.
     *
     * @throws JobRefusedException when the spec is not signed with the cluster's key, or the id is
     *         taken by another graph (a replayed submit)
     */
    void accept(GraphRecord submitted, byte[] spec) {
        String graphId = submitted.id();
        byte[] payload;
        try {
            payload = shared.jobs().open(graphId, spec);
        } catch (NotSignedException e) {
            throw refuse(submitted, e.getMessage());
        }
        LocalJobs.Shipped read = null;
        RuntimeException unreadable = null;
        try {
            read = shared.jobs().readShipped(payload);
        } catch (LocalJobs.UnreadableSpec e) {
            unreadable = e;
        }
        GraphRecord record = submitted.started(shared.localId(), unreadable == null ? spec : null);
        GraphRecord existing = shared.maps().graphs.putIfAbsent(graphId, record);
        if (existing != null) {
            release(read);
            if (existing.submittedMillis() == submitted.submittedMillis()
                    && Objects.equals(existing.submitter(), submitted.submitter())) {
                return;  // the same submit again: its first owner left during the call
            }
            throw refuse(submitted, "a graph with this id exists already (a replayed submit)");
        }
        if (unreadable != null) {
            cannotRead(graphId, submitted.name(), unreadable);
            return;
        }
        drive(record, read);
        LOG.info("Graph {} ('{}') accepted: {} stages", graphId, submitted.name(), submitted.stages().size());
    }

    /** Once a second: takes over the running graphs in this member's partitions whose driver is gone. */
    void tick() {
        if (stopped) {
            return;
        }
        Set<String> running = new HashSet<>(shared.maps().graphs.localKeySet(RUNNING));
        Set<Object> elsewhere = shared.placement().partitionKeysOfStrangers();
        if (!elsewhere.isEmpty()) {
            running.addAll(shared.maps().graphs.keySet(Predicates.multiPartitionPredicate(elsewhere, RUNNING)));
        }
        for (String graphId : running) {
            if (runs.containsKey(graphId)) {
                continue;
            }
            GraphRecord record = shared.maps().graphs.executeOnKey(graphId, new GraphProcessors.Peek());
            if (record == null || record.state().isTerminal()) {
                continue;
            }
            UUID driver = record.driver();
            // a graph driven here whose run stopped after a failure is driven again, as after a takeover
            if (driver == null || driver.equals(shared.localId()) || !shared.placement().isListed(driver)) {
                driverPool.execute(() -> takeOver(graphId, driver));
            }
        }
    }

    private void takeOver(String graphId, UUID driver) {
        try {
            if (!stillHolds.getAsBoolean()) {
                return;
            }
            GraphRecord full = shared.maps().graphs.get(graphId);
            if (full == null || full.spec() == null || full.state().isTerminal() || runs.containsKey(graphId)) {
                return;
            }
            LocalJobs.Shipped read;
            try {
                read = shared.jobs().readShipped(shared.jobs().open(graphId, full.spec()));
            } catch (NotSignedException e) {
                // a forged or altered record: failing the graph it names would let anyone end any graph
                Refusals.warn(shared.hz(), "the spec in the record of graph " + graphId + ", met when taking it over",
                        null, e.getMessage());
                return;
            } catch (LocalJobs.UnreadableSpec e) {
                cannotRead(graphId, full.name(), e);
                return;
            }
            GraphRecord taken = shared.maps().graphs.executeOnKey(graphId,
                    new GraphProcessors.TakeGraph(shared.localId(), driver));
            if (taken == null) {
                release(read);
                return;
            }
            if (driver != null && !driver.equals(shared.localId())) {
                LOG.info("Took over graph {} ('{}') as its driver from member {}", graphId, full.name(), driver);
            }
            drive(taken, read);
        } catch (RuntimeException e) {
            LOG.warn("Could not take over graph {}; trying again at the next tick", graphId, e);
        }
    }

    private void drive(GraphRecord record, LocalJobs.Shipped read) {
        String graphId = record.id();
        GraphRun run = new GraphRun(graphId, (GraphSpec) read.value(), read.code(), read.lease(), shared, access,
                driverPool, timer, newJobId, submitter, () -> runs.remove(graphId));
        if (stopped || runs.putIfAbsent(graphId, run) != null) {
            run.stop();
            return;
        }
        run.start(record);
    }

    private void cannotRead(String graphId, String name, RuntimeException e) {
        JobOutcome failed = JobOutcome.failed(Failures.jobFailed(graphId, name, "member " + shared.localId()
                + " cannot read the graph's spec", e.getCause()));
        if (access.ends().endGraph(graphId, failed)) {
            shared.maps().graphs.executeOnKey(graphId, new GraphProcessors.EndGraph(JobState.FAILED,
                    dev.canopy.grid.StageState.FAILED, "the graph's spec cannot be read", access.ends().resultTtlMillis()));
        }
    }

    private JobRefusedException refuse(GraphRecord submitted, String why) {
        Refusals.warn(shared.hz(), "graph " + submitted.id() + " ('" + submitted.name() + "')", submitted.submitter(),
                why);
        return new JobRefusedException("graph " + submitted.id() + " ('" + submitted.name() + "') refused by member "
                + shared.localId() + ": " + why);
    }

    private static void release(LocalJobs.Shipped read) {
        if (read != null && read.lease() != null) {
            read.lease().close();
        }
    }

    /** The engine stops: no graph is driven here any more; the owners of their partitions take them over. */
    void stop() {
        stopped = true;
        for (GraphRun run : runs.values()) {
            run.stop();
        }
    }

    /** Graphs driven here now, for the member's roles. */
    int driven() {
        return runs.size();
    }
}
