package dev.canopy.grid.internal.access;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import dev.canopy.grid.GridException;
import dev.canopy.grid.JobHandle;
import dev.canopy.grid.JobId;
import dev.canopy.grid.JobInfo;
import dev.canopy.grid.JobRefusedException;
import dev.canopy.grid.RetriableGridException;
import dev.canopy.grid.Topology;
import dev.canopy.grid.internal.code.CodeSet;
import dev.canopy.grid.internal.code.ShippedSpec;
import dev.canopy.grid.internal.spec.Codec;
import dev.canopy.grid.internal.spec.Errors;
import dev.canopy.grid.internal.spec.JobSpec;
import dev.canopy.grid.internal.store.GridMaps;
import dev.canopy.grid.internal.store.JobRecord;
import dev.canopy.grid.internal.trust.ClusterKey;
import dev.canopy.grid.internal.trust.Signed;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * What a member and a client share: submitting jobs, finding them again, listing jobs and members,
 * ending jobs. It reads and writes only the grid's records, so it works over a Hazelcast member or
 * client alike. It composes three parts that do not know of each other but through it:
 * {@link ResultWatch} completes handles, {@link JobEnds} writes outcomes, {@link JobListings} reads.
 *
 * <p>What it owns: one timer thread, for the result poll and for settling ended jobs' records.
 */
public final class GridAccess {

    private static final long SUBMIT_TIMEOUT_SECONDS = 60;

    private final HazelcastInstance hz;
    private final GridMaps maps;
    private final UUID localId;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread t = new Thread(runnable, "canopy-access");
        t.setDaemon(true);
        return t;
    });
    private final ResultWatch watch;
    private final JobEnds ends;
    private final JobListings listings;
    private final CodeShipper shipper;
    private final ClusterKey key;
    private final GraphAccess graphs;

    /**
     * @param shipCode  whether jobs submitted here carry their code (see {@link CodeShipper})
     * @param codePaths jars or class folders shipped with every job besides those found from its classes
     */
    public GridAccess(HazelcastInstance hz, UUID localId, long resultTtlMillis, boolean shipCode,
                      List<String> codePaths, ClusterKey key) {
        this.key = key;
        this.hz = hz;
        this.shipper = new CodeShipper(hz, shipCode, codePaths);
        this.maps = new GridMaps(hz);
        this.localId = localId;
        this.watch = new ResultWatch(hz, maps, timer, () -> hz.getCluster().getMembers(), key);
        this.ends = new JobEnds(hz, maps, watch, resultTtlMillis, timer, key);
        this.listings = new JobListings(hz, maps);
        this.graphs = new GraphAccess(maps, watch, ends, listings, shipper, key, localId, timer, resultTtlMillis);
    }

    /** Where a handle found by id reads a result of a job that ships code: the caller's context loader. */
    static ClassLoader contextLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : GridAccess.class.getClassLoader();
    }

    /** Code bytes jobs submitted here uploaded so far (what the grid lacked). */
    public long uploadedCodeBytes() {
        return shipper.uploadedBytes();
    }

    public void start() {
        watch.start();
    }

    /**
     * For a client: fails the handles it gave out when its cluster is gone (see {@link ClientConnection});
     * {@code clusterName} and {@code connectTimeout} are the client's, for the message.
     */
    public void watchConnection(String clusterName, Duration connectTimeout) {
        hz.getLifecycleService().addLifecycleListener(new ClientConnection(watch, clusterName, connectTimeout));
    }

    public void close() {
        watch.close();
        timer.shutdown();
    }

    /** What this member or client signs with and verifies against; {@link ClusterKey#none()} for none. */
    public ClusterKey clusterKey() {
        return key;
    }

    public GridMaps maps() {
        return maps;
    }

    public ResultWatch watch() {
        return watch;
    }

    public JobEnds ends() {
        return ends;
    }

    /** Submitting, finding, listing and cancelling job graphs. */
    public GraphAccess graphs() {
        return graphs;
    }

    /**
     * Submits a job: {@code sender} hands its record and serialized spec to the owner of the job's
     * partition, which writes them and becomes its top driver (a node passes its engine, a client
     * {@link #submitRemotely}). The spec is serialized first, so code that cannot travel fails here
     * and nothing is written.
     */
    public <R> JobHandle<R> submit(JobSpec<?, R> spec, JobId id, BiConsumer<JobRecord, byte[]> sender) {
        byte[] bytes = shipper.ship(spec, Codec.serialize(spec, "job '" + spec.name() + "'"));
        return submitShipped(spec, id, bytes, CodeShipper.loaderOf(spec), sender);
    }

    /**
     * Submits the job of a graph's stage, on the graph's driver: it travels with the graph's code
     * set ({@code code}, null when the graph ships none) rather than a scan of its own, since its
     * classes were loaded from that code; its result is read with the graph's {@code loader}.
     */
    public <R> JobHandle<R> submitStage(JobSpec<?, R> spec, JobId id, CodeSet code, ClassLoader loader,
                                        BiConsumer<JobRecord, byte[]> sender) {
        byte[] specBytes = Codec.serialize(spec, "job '" + spec.name() + "'");
        byte[] bytes = code == null ? specBytes
                : Codec.serialize(new ShippedSpec(code, specBytes), "job '" + spec.name() + "'");
        return submitShipped(spec, id, bytes, loader, sender);
    }

    private <R> JobHandle<R> submitShipped(JobSpec<?, R> spec, JobId id, byte[] shipped, ClassLoader loader,
                                           BiConsumer<JobRecord, byte[]> sender) {
        String key = id.toString();
        // signed for its id: a member refuses it for any other job
        byte[] bytes = Signed.sign(this.key, ClusterKey.Use.SPEC, key, shipped);
        watch.submitting(key);
        // a new id has no result yet: wait for its event without asking the grid first
        JobFuture<R> future = watch.await(key, loader);
        boolean accepted = false;
        try {
            sender.accept(JobRecord.submitted(key, spec, localId, System.currentTimeMillis()), bytes);
            accepted = true;
        } finally {
            watch.submitted(key, accepted);
        }
        return new JobHandleImpl<>(id, listings, ends, future);
    }

    /** A handle on a job that may have ended already, whose result is read with {@code loader}. */
    public <R> JobHandle<R> watchJob(JobId id, ClassLoader loader) {
        return new JobHandleImpl<>(id, listings, ends, watch.watch(id.toString(), loader));
    }

    /**
     * Sends a new job to the owner of its partition and waits until its records are written. When
     * the owner leaves during the call, tries the new owner once more.
     */
    public void submitRemotely(JobRecord record, byte[] spec) {
        callOwner(new SubmitJob(record, spec), record.id(), "job " + record.id() + " ('" + record.name() + "')");
    }

    /**
     * Calls the owner of {@code id}'s partition with a submit and waits for it to be written; when
     * the owner leaves during the call, tries the new owner once more. A refusal is lasting and is
     * not tried again.
     */
    void callOwner(Callable<Boolean> submit, String id, String what) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                maps.control.submitToKeyOwner(submit, id).get(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GridException("interrupted while submitting " + what, e);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                Throwable cause = Errors.peel(e);
                if (cause instanceof JobRefusedException refused) {
                    // lasting: the same bytes are refused by any member
                    throw new JobRefusedException(refused.getMessage());
                }
                String why = cause instanceof SplitBrainProtectionException
                        ? "the member that owns its partition sees fewer members than its minClusterSize (a network"
                        + " split?); submit it again once the network heals"
                        : cause.getMessage();
                last = new RetriableGridException("could not submit " + what + ": " + why, cause);
            }
        }
        throw last;
    }

    public Optional<JobHandle<?>> job(JobId id) {
        String key = id.toString();
        if (!listings.exists(key)) {
            return Optional.empty();
        }
        return Optional.of(new JobHandleImpl<>(id, listings, ends, watch.watch(key, contextLoader())));
    }

    public List<JobInfo> jobs() {
        return listings.jobs();
    }

    public Topology topology() {
        return listings.topology();
    }
}
