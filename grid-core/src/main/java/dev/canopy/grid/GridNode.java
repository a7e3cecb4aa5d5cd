package dev.canopy.grid;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import dev.canopy.grid.internal.engine.Engine;
import dev.canopy.grid.internal.trust.ClusterKey;
import dev.canopy.grid.internal.access.AsyncCallbacks;
import dev.canopy.grid.internal.access.GridAccess;
import dev.canopy.grid.internal.engine.NodeBootstrap;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A Canopy node: a Hazelcast member that runs tasks and drives jobs. Start a new member with
 * {@link #start}, or add Canopy to a member your service already runs with {@link #attach}:
 *
 * <pre>{@code
 * HazelcastInstance hz = ...;                       // the service's own member
 * try (GridNode grid = GridNode.attach(hz, GridConfig.defaults())) {
 *     long sum = grid.submit(Job.range(0, 1_000, (i, ctx) -> i).reduce(Reducers.sumLong()).build())
 *                    .result().get();
 * }                                                  // hz keeps running
 * }</pre>
 *
 * Every member of the cluster that should take work needs its own GridNode.
 */
public final class GridNode extends RecordsGrid {

    private static final Logger LOG = LoggerFactory.getLogger(GridNode.class);
    private static final long GRACEFUL_DRAIN_MILLIS = 30_000;

    private final HazelcastInstance hz;
    private final boolean ownsHazelcast;
    /** Replaced when this member is merged back into the cluster after a split (see {@link #rejoin}). */
    private volatile Engine engine;
    private final GridConfig config;
    /** The hosts' fatal-error actions, given again to an engine that replaces another. */
    private final List<Consumer<? super Throwable>> fatalErrorActions = new CopyOnWriteArrayList<>();
    private final MeterRegistry registry;
    private final boolean ownsRegistry;
    private final boolean driveOwnJobs;
    /** True when this node took Canopy's async-callback pool (only nodes Canopy starts itself do). */
    private final boolean tunesAsyncCallbacks;

    private GridNode(HazelcastInstance hz, GridConfig config, ClusterKey key, boolean ownsHazelcast) {
        super(new GridAccess(hz, hz.getCluster().getLocalMember().getUuid(), config.resultTtl().toMillis(),
                config.shipCode(), config.codePaths(), key));
        this.hz = hz;
        this.ownsHazelcast = ownsHazelcast;
        this.ownsRegistry = config.meterRegistry().isEmpty();
        this.driveOwnJobs = config.driveOwnJobs();
        this.tunesAsyncCallbacks = ownsHazelcast && config.tuneAsyncCallbacks();
        this.registry = config.meterRegistry().orElseGet(() -> config.metricsEnabled()
                ? new SimpleMeterRegistry() : new CompositeMeterRegistry());
        this.config = config;
        this.engine = new Engine(hz, this, access, NodeBootstrap.settings(config), registry);
    }

    /** Starts a new Hazelcast member configured from {@code config} and runs Canopy on it. */
    public static GridNode start(GridConfig config) {
        Objects.requireNonNull(config, "config");
        ClusterKey key = clusterKeyOf(config);
        NodeBootstrap.warnIfExposed(config, key);
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(NodeBootstrap.memberConfig(config));
        try {
            GridNode node = new GridNode(hz, config, key, true);
            // a JVM-wide setting: only a node Canopy starts itself takes it (see AsyncCallbacks)
            if (node.tunesAsyncCallbacks) {
                AsyncCallbacks.acquire();
            }
            return begin(node);
        } catch (RuntimeException e) {
            hz.shutdown();
            throw e;
        }
    }

    /**
     * Runs Canopy on a member the caller already runs. Network settings of {@code config} are
     * ignored (the member has its own); closing the node leaves the member running.
     */
    public static GridNode attach(HazelcastInstance hz, GridConfig config) {
        Objects.requireNonNull(hz, "hazelcast instance");
        Objects.requireNonNull(config, "config");
        ClusterKey key = clusterKeyOf(config);
        NodeBootstrap.prepare(hz, config);
        return begin(new GridNode(hz, config, key, false));
    }

    /** Read before anything starts, so a missing key file fails the start and nothing else. */
    private static ClusterKey clusterKeyOf(GridConfig config) {
        try {
            return config.resolveClusterKey();
        } catch (IllegalArgumentException e) {
            throw new GridConfigException(e.getMessage(), e);
        }
    }

    /** Starts the engine first: it is refused on a member that runs one already, before anything listens. */
    private static GridNode begin(GridNode node) {
        try {
            node.engine.start();
        } catch (RuntimeException e) {
            node.access.close();
            throw e;
        }
        node.access.start();
        node.hz.getLifecycleService().addLifecycleListener(node::rejoin);
        return node;
    }

    /**
     * After a network split, Hazelcast merges the smaller side into the bigger one: each member of
     * the smaller side drops its data, joins the other side under a new member id, and hands over
     * its entries for merging. To the side it joins, it is a new member: its old self left, and its
     * work was recovered. So its engine stops without a grid call when the merge starts, and a new
     * engine starts for the new member id when the merge is done: the node rejoins as if it had
     * just started, and is given work again.
     */
    private void rejoin(LifecycleEvent event) {
        if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
            LOG.warn("Canopy member {} was split from the cluster and is merging back into it: its engine stops; the"
                    + " work it held was recovered by the other side, to which it left", engine.memberId());
            engine.fence();
        } else if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
            Engine fresh = new Engine(hz, this, access, NodeBootstrap.settings(config), registry);
            for (Consumer<? super Throwable> action : fatalErrorActions) {
                fresh.onFatalError(action);
            }
            engine = fresh;
            fresh.start();
            LOG.info("Canopy member merged back into the cluster as member {}: its engine runs again", memberId());
        }
    }

    @Override
    public <R> JobHandle<R> submit(Job<?, R> job) {
        return access.submit(Job.specOf(job), engine.newJobId(driveOwnJobs), engine::submit);
    }

    @Override
    public GraphHandle submit(JobGraph graph) {
        return access.graphs().submit(JobGraph.specOf(graph), GraphId.of(engine.newJobId(driveOwnJobs).uuid()),
                engine::submitGraph);
    }

    /** The Hazelcast member this node runs on. */
    public HazelcastInstance hazelcast() {
        return hz;
    }

    /**
     * The registry holding this node's meters ({@code canopy.*}): the one passed in
     * {@link GridConfig#meterRegistry(MeterRegistry)}, or one the node owns.
     */
    public MeterRegistry meterRegistry() {
        return registry;
    }

    /**
     * The error that left this member unfit to go on, if one did: a task ran it out of memory (its
     * heap, metaspace, direct memory or native threads; an {@link OutOfMemoryError} that exhausted
     * nothing, such as a too-large array, is only the task's failure). The task itself fails like
     * any other and is retried elsewhere. The node keeps running: an embedded node never ends its
     * host's JVM; the host decides, here or through {@link #onFatalError}. {@code bin/grid node}
     * stops its JVM cleanly, so its work is recovered by the other members.
     */
    public Optional<Throwable> fatalError() {
        return engine.fatalError();
    }

    /**
     * Runs {@code action} once, on the thread that met the error, when a task's error leaves this
     * member unfit to go on (see {@link #fatalError()}); at once when it did already. The action
     * should be short: hand anything slow (such as closing this node) to another thread.
     */
    public GridNode onFatalError(Consumer<? super Throwable> action) {
        Objects.requireNonNull(action, "action must not be null: pass what to do on a fatal error");
        fatalErrorActions.add(action);
        engine.onFatalError(action);
        return this;
    }

    /** This member's id, as used in {@link Topology} and {@link JobInfo#topDriver()}. */
    public UUID memberId() {
        return hz.getCluster().getLocalMember().getUuid();
    }

    /**
     * Leaves the grid cleanly: queued leaves move to other members, running ones finish (for up to
     * 30 s), and the sub-jobs and jobs this node drives are handed over, so nothing that finished
     * here is redone. Then the node's own Hazelcast member shuts down, unless it was attached.
     */
    @Override
    public void close() {
        engine.close(GRACEFUL_DRAIN_MILLIS);
        access.close();
        if (ownsRegistry) {
            registry.close();
        }
        if (ownsHazelcast) {
            hz.shutdown();
            if (tunesAsyncCallbacks) {
                AsyncCallbacks.release();
            }
        }
    }

    @Override
    public String toString() {
        return "GridNode[" + memberId() + "]";
    }
}
