package dev.canopy.grid.internal.store;

import com.hazelcast.config.AttributeConfig;
import com.hazelcast.config.CacheDeserializedValues;
import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.spi.merge.PutIfAbsentMergePolicy;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.map.IMap;
import com.hazelcast.query.extractor.ValueCollector;
import com.hazelcast.query.extractor.ValueExtractor;
import dev.canopy.grid.MemberInfo;

import java.util.Set;
import java.util.UUID;

/**
 * The distributed structures Canopy keeps in Hazelcast, by name, and their configuration.
 * Works the same on a member and on a client.
 */
public final class GridMaps {

    public static final String JOBS = "canopy.jobs";
    public static final String SUBJOBS = "canopy.subjobs";
    public static final String RESULTS = "canopy.results";
    public static final String MEMBERS = "canopy.members";
    /** Shipped code by content: chunks of at most 1 MiB, key {@code "<sha256>/<index>"} (see {@code internal.code.CodeStore}). */
    public static final String CODE_CHUNKS = "canopy.code.chunks";
    /** Shipped code's metadata, key sha256; present only once every chunk is stored. */
    public static final String CODE_ENTRIES = "canopy.code.entries";
    /**
     * Each engine's proof that it runs Canopy with the cluster's key, by member uuid: the key's
     * signature of the uuid, or no bytes without a key (see {@code internal.access.TrustedMembers}).
     */
    public static final String ENGINES = "canopy.engines";
    /** Job graphs by graph id: {@link GraphRecord}s, driven by the owner of their partition. */
    public static final String GRAPHS = "canopy.graphs";
    static final String CONTROL = "canopy.control";

    /** The indexed attribute of {@code canopy.jobs}: a job record's state, read by {@link StateExtractor}. */
    static final String STATE = "state";

    /** Threads per member that run Canopy's control messages (never tasks: those run on the worker pool). */
    static final int CONTROL_THREADS = 8;

    public final IMap<String, JobRecord> jobs;
    public final IMap<SubJobKey, SubJobRecord> subjobs;
    public final IMap<String, JobOutcome> results;
    public final IMap<UUID, MemberInfo> members;
    public final IMap<UUID, byte[]> engines;
    public final IMap<String, GraphRecord> graphs;
    public final IExecutorService control;

    public GridMaps(HazelcastInstance hz) {
        this.jobs = hz.getMap(JOBS);
        this.subjobs = hz.getMap(SUBJOBS);
        this.results = hz.getMap(RESULTS);
        this.members = hz.getMap(MEMBERS);
        this.engines = hz.getMap(ENGINES);
        this.graphs = hz.getMap(GRAPHS);
        this.control = hz.getExecutorService(CONTROL);
    }

    /**
     * The maps guarded by split-brain protection: those whose writes decide a job's outcome, its
     * end and its sub-jobs' commits. Not the job and graph records: a map with an index creates it
     * when its proxy is first made, which protection refuses until the cluster has formed; the
     * engine of a side without the quorum takes over, accepts and starts nothing itself, and a
     * record alone never ends a job (see {@code engine.Quorum}). Not each member's own entries
     * ({@code canopy.members}, {@code canopy.engines}), which a member writes as it starts, nor
     * shipped code, which is stored by content.
     */
    private static final Set<String> PROTECTED = Set.of(SUBJOBS, RESULTS);

    /** The split-brain protection of Canopy's structures when a node sets {@code minClusterSize}. */
    public static final String MIN_CLUSTER_SIZE = "canopy-min-cluster-size";

    /** Adds Canopy's structures to a member config that is about to start. */
    public static void configure(Config config, int backupCount) {
        configure(config, backupCount, 0, 0);
    }

    /**
     * Adds Canopy's structures to a member config that is about to start; with a
     * {@code minClusterSize} above one, every read and write of them on a side of a network split
     * smaller than that is refused (Hazelcast's split-brain protection, counting the members heard
     * from within {@code heartbeatToleranceMillis}), so such a side can neither end a job nor commit
     * a sub-job. When the network heals, entries of the smaller side are merged
     * only where the bigger side has none ({@code PutIfAbsentMergePolicy}): the first end a job got stays.
     */
    public static void configure(Config config, int backupCount, int minClusterSize, long heartbeatToleranceMillis) {
        boolean protect = minClusterSize > 1;
        if (protect) {
            // members count only while they are heard from: Hazelcast removes the members of the other
            // side one by one, and a side counting one it has not yet removed would pass for a quorum
            config.addSplitBrainProtectionConfig(SplitBrainProtectionConfig.newRecentlyActiveSplitBrainProtectionConfigBuilder(
                    MIN_CLUSTER_SIZE, minClusterSize, (int) heartbeatToleranceMillis).enabled(true).build()
                    .setProtectOn(SplitBrainProtectionOn.READ_WRITE));
        }
        for (MapConfig map : mapConfigs(backupCount)) {
            map.setMergePolicyConfig(new MergePolicyConfig(PutIfAbsentMergePolicy.class.getName(),
                    MergePolicyConfig.DEFAULT_BATCH_SIZE));
            if (protect && PROTECTED.contains(map.getName())) {
                map.setSplitBrainProtectionName(MIN_CLUSTER_SIZE);
            }
            config.addMapConfig(map);
        }
        ExecutorConfig executor = executorConfig();
        if (protect) {
            executor.setSplitBrainProtectionName(MIN_CLUSTER_SIZE);
        }
        config.addExecutorConfig(executor);
    }

    /**
     * Adds Canopy's structures to a running member, for {@code GridNode.attach}. A service that
     * configured them itself keeps its own configuration.
     */
    public static void configureDynamically(HazelcastInstance hz, int backupCount) {
        Config config = hz.getConfig();
        for (MapConfig map : mapConfigs(backupCount)) {
            if (config.getMapConfigOrNull(map.getName()) == null) {
                try {
                    config.addMapConfig(map);
                } catch (InvalidConfigurationException raceWithAnotherMember) {
                    // another member added a configuration for the same map first; it wins
                }
            }
        }
        if (!config.getExecutorConfigs().containsKey(CONTROL)) {
            try {
                config.addExecutorConfig(executorConfig());
            } catch (InvalidConfigurationException raceWithAnotherMember) {
                // another member added it first
            }
        }
    }

    private static MapConfig[] mapConfigs(int backupCount) {
        return new MapConfig[] {
                // the watchdog looks up unfinished jobs every second: by index, not by reading every record.
                // Values are not kept deserialized beside their bytes (the default with an index): a query
                // would deserialize every value before Canopy's code sees it, so one entry that cannot be
                // read here would fail every listing; read by the listing, it is skipped (ForeignEntries)
                new MapConfig(JOBS).setBackupCount(backupCount)
                        .setCacheDeserializedValues(CacheDeserializedValues.NEVER)
                        .addAttributeConfig(new AttributeConfig(STATE, StateExtractor.class.getName()))
                        .addIndexConfig(new IndexConfig(IndexType.HASH, STATE)),
                new MapConfig(SUBJOBS).setBackupCount(backupCount),
                // the watchdog looks up running graphs by the same index as jobs
                new MapConfig(GRAPHS).setBackupCount(backupCount)
                        .setCacheDeserializedValues(CacheDeserializedValues.NEVER)
                        .addAttributeConfig(new AttributeConfig(STATE, StateExtractor.class.getName()))
                        .addIndexConfig(new IndexConfig(IndexType.HASH, STATE)),
                new MapConfig(RESULTS).setBackupCount(backupCount),
                new MapConfig(MEMBERS).setBackupCount(Math.max(1, backupCount)),
                new MapConfig(ENGINES).setBackupCount(Math.max(1, backupCount)),
                // a job outlives its submitter, so its code must outlive a member as its records do
                new MapConfig(CODE_CHUNKS).setBackupCount(backupCount),
                new MapConfig(CODE_ENTRIES).setBackupCount(backupCount),
        };
    }

    /**
     * Reads the {@code state} attribute of {@code canopy.jobs} and {@code canopy.graphs} for their index: a record's state, and
     * nothing for any other value. Hazelcast updates the index with every write and removal, reading
     * the attribute from the new and from the old value; read by reflection, a value without a
     * {@code state} (a {@code put("x", "hello")}) failed the put after it was stored, and then every
     * {@code delete} of it, so nothing could remove it. A record whose bytes cannot be parsed reads
     * as an {@link Unreadable} and has no state either. Bytes no serializer of this JVM can read at
     * all (a class it lacks) still fail before this is called: Hazelcast deserializes first.
     *
     * <p>Public with a no-argument constructor: Hazelcast makes it from its class name.
     */
    public static final class StateExtractor implements ValueExtractor<Object, Object> {
        @Override
        public void extract(Object target, Object argument, ValueCollector collector) {
            if (target instanceof JobRecord r && r.state() != null) {
                collector.addObject(r.state());
            } else if (target instanceof GraphRecord g && g.state() != null) {
                collector.addObject(g.state());
            }
        }
    }

    private static ExecutorConfig executorConfig() {
        return new ExecutorConfig(CONTROL).setPoolSize(CONTROL_THREADS).setStatisticsEnabled(false);
    }
}
