package dev.canopy.grid;

import dev.canopy.grid.internal.config.CommonKeys;
import dev.canopy.grid.internal.config.ConfigDef;
import dev.canopy.grid.internal.config.ConfigKey;
import dev.canopy.grid.internal.config.ConfigValues;
import dev.canopy.grid.internal.trust.ClusterKey;
import dev.canopy.grid.internal.trust.KeySecrets;

import io.micrometer.core.instrument.MeterRegistry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

import static dev.canopy.grid.internal.config.ConfigType.BOOLEAN;
import static dev.canopy.grid.internal.config.ConfigType.DURATION;
import static dev.canopy.grid.internal.config.ConfigType.INT;
import static dev.canopy.grid.internal.config.ConfigType.STRING;
import static dev.canopy.grid.internal.config.ConfigType.STRING_LIST;
import static dev.canopy.grid.internal.config.Validator.anyBoolean;
import static dev.canopy.grid.internal.config.Validator.atLeast;
import static dev.canopy.grid.internal.config.Validator.between;
import static dev.canopy.grid.internal.config.Validator.hostNames;
import static dev.canopy.grid.internal.config.Validator.nonBlank;
import static dev.canopy.grid.internal.config.Validator.positive;

/**
 * Configuration of a node, mutable and fluent like Hazelcast's {@code Config}:
 *
 * <pre>{@code
 * GridConfig config = GridConfig.load(Path.of("config/node.yaml"))
 *         .withOverrides(System.getenv(), System.getProperties())
 *         .fanOut(8);
 * }</pre>
 *
 * <p>Each key has a getter and a setter of the same name ({@code fanOut()} / {@code fanOut(8)}),
 * which is also its key in a YAML or JSON file, {@code canopy.fanOut} as a system property and
 * {@code CANOPY_FAN_OUT} as an environment variable. The keys are defined once, below; their
 * types, defaults and meaning are listed in {@code config/README.md}.
 *
 * <p>A setter checks its value at once and throws {@link IllegalArgumentException} naming the key,
 * the value and what is allowed ("fanOut must be an integer >= 2 but was 1"). Combinations of keys
 * are checked by {@link #validate()}, which {@link #load} and {@code GridNode.start} call.
 *
 * <p>Not thread-safe: configure it on one thread, then hand it to the node, which reads it at start.
 */
public final class GridConfig {

    private static final ConfigKey<String> CLUSTER_NAME = CommonKeys.clusterName(
            "Name of the cluster; a member joins only members and clients with the same name.");
    private static final ConfigKey<String> BIND_ADDRESS = ConfigKey.of("bindAddress", STRING, "127.0.0.1", nonBlank(),
            "Address this member binds to and announces to the others; loopback keeps the grid on this machine.");
    private static final ConfigKey<Integer> PORT = ConfigKey.of("port", INT, 5701, between(1, 65535),
            "First port this member tries for cluster traffic; see portAutoIncrement.");
    private static final ConfigKey<Boolean> PORT_AUTO_INCREMENT = ConfigKey.of("portAutoIncrement", BOOLEAN, true,
            anyBoolean(),
            "When the port is taken, try the following ones instead of failing.");
    private static final ConfigKey<List<String>> MEMBERS = CommonKeys.members(List.of("127.0.0.1"),
            "Members to join over TCP/IP, each \"host\" or \"host:port\".");
    private static final ConfigKey<Integer> BACKUP_COUNT = ConfigKey.of("backupCount", INT, 1, between(0, 6),
            "Copies of each job record and result kept on other members; the grid survives losing that many at once.");
    private static final ConfigKey<Integer> MIN_CLUSTER_SIZE = ConfigKey.of("minClusterSize", INT, 0, between(0, 1000),
            "Members a side of a network split must see to go on driving and running work: set it to a majority of the cluster (2 of 3, 3 of 5); a smaller side stops until the network heals. 0 turns the rule off, and both sides then run.");
    private static final ConfigKey<Integer> WORKER_THREADS = ConfigKey.of("workerThreads", INT,
            Math.min(Runtime.getRuntime().availableProcessors(), 1024), between(1, 1024),
            "Threads that run tasks on this member.").defaultShownAs("available processors");
    private static final ConfigKey<Integer> FAN_OUT = ConfigKey.of("fanOut", INT, 16, atLeast(2),
            "Most children of any one driver, for jobs that do not set their own.");
    private static final ConfigKey<Integer> LEAF_SIZE = ConfigKey.of("leafSize", INT, 0, atLeast(0),
            "Tasks per leaf for jobs that do not set their own; 0 lets the grid choose from the job size and the cluster.");
    private static final ConfigKey<Boolean> DRIVE_OWN_JOBS = ConfigKey.of("driveOwnJobs", BOOLEAN, true, anyBoolean(),
            "A member is the top driver of the jobs it submits, so submitting and delivering the result need no hop; false spreads top drivers and job records over the members by job id.");
    private static final ConfigKey<Boolean> TUNE_ASYNC_CALLBACKS = ConfigKey.of("tuneAsyncCallbacks", BOOLEAN, true,
            anyBoolean(),
            "On machines of two cores or fewer, a node that Canopy starts itself runs Hazelcast's async callbacks on a pool of reused threads (a JVM-wide setting); false leaves Hazelcast's default. Nodes attached to a service's Hazelcast never change it.");
    private static final ConfigKey<Duration> RESULT_TTL = ConfigKey.of("resultTtl", DURATION, Duration.ofHours(1),
            positive(),
            "How long a finished job's result stays in the grid for clients to fetch.");
    private static final ConfigKey<Duration> HEARTBEAT_INTERVAL = ConfigKey.of("heartbeatInterval", DURATION,
            Duration.ofSeconds(1), positive(),
            "How often members tell each other they are alive.");
    private static final ConfigKey<Duration> MAX_NO_HEARTBEAT = ConfigKey.of("maxNoHeartbeat", DURATION,
            Duration.ofSeconds(8), positive(),
            "Silence after which a member is taken for dead; must be longer than heartbeatInterval.");
    private static final ConfigKey<Boolean> HTTP_ENABLED = ConfigKey.of("httpEnabled", BOOLEAN, true, anyBoolean(),
            "bin/grid node serves its status page, JSON API and Prometheus /metrics over HTTP on bindAddress; an embedded GridNode never does.");
    private static final ConfigKey<Integer> HTTP_PORT = ConfigKey.of("httpPort", INT, 8080, between(0, 65535),
            "First port of the HTTP status server; the next free one is used when it is taken; 0 picks any free port.");
    private static final ConfigKey<String> CLUSTER_KEY_FILE = CommonKeys.clusterKeyFile(
            "File holding the cluster key, the secret without which no member runs a job, decodes a value or accepts a result; without it (and without CANOPY_CLUSTER_KEY) the grid trusts whoever reaches its ports. Further lines are previous keys, accepted during a rotation.");
    private static final ConfigKey<List<String>> SERIAL_ALLOW = CommonKeys.serialAllow(
            "Class-name prefixes this node lets Hazelcast Java-deserialize besides the JDK types, Canopy and Hazelcast it always allows: the classes of your own map keys and values when they use Java serialization. Job results and task errors never need it.");
    private static final ConfigKey<Boolean> SHIP_CODE = CommonKeys.shipCode(
            "A job submitted from this node carries its code: the class-path entries (jars, class folders) holding its classes and what they reach, less the JDK, Canopy and its dependencies, stored in the grid once by content; false sends only the job, for grids whose nodes all have its classes.");
    private static final ConfigKey<List<String>> CODE_PATHS = CommonKeys.codePaths(
            "Jars or class folders shipped with every job besides those found from its classes (for classes reached only by reflection).");
    private static final ConfigKey<Duration> CODE_TTL = ConfigKey.of("codeTtl", DURATION, Duration.ofHours(1),
            positive(), "How long shipped code that no unfinished job uses stays in the grid.");
    private static final ConfigKey<Boolean> EXIT_GUARD = ConfigKey.of("exitGuard", BOOLEAN, false, anyBoolean(),
            "bin/grid node refuses System.exit and Runtime.halt to tasks, which then fail with a SecurityException instead of ending the node; it uses Java's deprecated security manager, so the JVM warns once at start. An embedded GridNode never installs it.");
    private static final ConfigKey<List<String>> HTTP_HOSTS = ConfigKey.of("httpHosts", STRING_LIST, List.of(),
            hostNames(),
            "Host names the HTTP status server answers to besides bindAddress, localhost and loopback addresses; a request naming any other Host is refused, which stops DNS rebinding.");
    private static final ConfigKey<Boolean> HTTP_READS_NEED_TOKEN = ConfigKey.of("httpReadsNeedToken", BOOLEAN, false,
            anyBoolean(),
            "The HTTP status server's reads (the JSON API behind the status page, and /metrics) need the bearer token too, not only cancelling a job; bin/grid token prints it. Needs a cluster key (clusterKeyFile or CANOPY_CLUSTER_KEY).");
    private static final ConfigKey<Boolean> METRICS_ENABLED = ConfigKey.of("metricsEnabled", BOOLEAN, true,
            anyBoolean(),
            "Collect and export metrics on jobs, tasks and workers.");
    private static final ConfigKey<Integer> METRICS_JOB_NAMES = ConfigKey.of("metricsJobNames", INT, 100,
            between(0, 10_000),
            "Most job names that per-job meters are tagged with at once; jobs of further names are counted under job=\"other\".");
    private static final ConfigKey<Duration> METRICS_JOB_EXPIRY = ConfigKey.of("metricsJobExpiry", DURATION,
            Duration.ofMinutes(10), positive(),
            "How long the per-job meters of a job name stay after the last job of that name ended.");
    private static final ConfigKey<Integer> MAX_RESULT_BYTES = ConfigKey.of("maxResultBytes", INT, 64 << 20,
            atLeast(1024),
            "Largest serialized partial or result, in bytes, a job may produce; past it the job fails naming the size and the sub-job.");
    private static final ConfigKey<Duration> CANCEL_GRACE = ConfigKey.of("cancelGrace", DURATION,
            Duration.ofSeconds(10), positive(),
            "How long a task of a cancelled or timed-out job may ignore its interrupt before its worker thread is abandoned and replaced.");

    /** Every key, in the order of the reference; the README test reads it. */
    static final ConfigDef DEFINITION = new ConfigDef(CLUSTER_NAME, BIND_ADDRESS, PORT, PORT_AUTO_INCREMENT,
            MEMBERS, BACKUP_COUNT, MIN_CLUSTER_SIZE, WORKER_THREADS, FAN_OUT, LEAF_SIZE, DRIVE_OWN_JOBS, TUNE_ASYNC_CALLBACKS, RESULT_TTL,
            HEARTBEAT_INTERVAL,
            MAX_NO_HEARTBEAT, MAX_RESULT_BYTES, CANCEL_GRACE, EXIT_GUARD, CLUSTER_KEY_FILE, SERIAL_ALLOW, SHIP_CODE, CODE_PATHS, CODE_TTL, HTTP_ENABLED, HTTP_PORT, HTTP_HOSTS, HTTP_READS_NEED_TOKEN, METRICS_ENABLED,
            METRICS_JOB_NAMES, METRICS_JOB_EXPIRY);

    private final ConfigValues values;

    private MeterRegistry meterRegistry;
    /** Kept out of {@link #values}, so no listing, {@code toString} or status page can show it. */
    private KeySecrets secrets = KeySecrets.NONE;

    private GridConfig(ConfigValues values, MeterRegistry meterRegistry) {
        this.values = values;
        this.meterRegistry = meterRegistry;
    }

    private GridConfig withSecrets(KeySecrets keySecrets) {
        this.secrets = keySecrets;
        return this;
    }

    /**
     * Sets the cluster key in code, for a service that keeps its secrets elsewhere: it wins over
     * {@code clusterKeyFile} and {@code CANOPY_CLUSTER_KEY}. Not a file key, and never shown.
     *
     * @throws IllegalArgumentException when it is shorter than 32 characters
     */
    public GridConfig clusterKey(String secret) {
        secrets = secrets.withKeyInCode(secret);
        return this;
    }

    /** Whether a cluster key is set, in code, by {@code clusterKeyFile} or by {@code CANOPY_CLUSTER_KEY}. */
    public boolean hasClusterKey() {
        return secrets.isSet(clusterKeyFile());
    }

    /**
     * The bearer token that {@code POST /api/jobs/{id}/cancel} of {@code bin/grid node}'s HTTP API
     * needs ({@code Authorization: Bearer <token>}): derived from the cluster key, so the key itself
     * never travels; empty when no key is set. {@code bin/grid token} prints it.
     *
     * @throws GridConfigException when the key file cannot be read or the key is too short
     */
    public Optional<String> httpToken() {
        ClusterKey key;
        try {
            key = resolveClusterKey();
        } catch (IllegalArgumentException e) {
            throw new GridConfigException(e.getMessage(), e);
        }
        return key.isSet() ? Optional.of(key.httpToken()) : Optional.empty();
    }

    /** The key, read now (from its file when one is named). */
    ClusterKey resolveClusterKey() {
        return secrets.resolve(clusterKeyFile());
    }

    /**
     * The Micrometer registry the node's meters go to, for a service that already has one. Not a
     * file key. Without it, a node with {@code metricsEnabled} creates and owns a registry of its own.
     */
    public GridConfig meterRegistry(MeterRegistry registry) {
        this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry must not be null: pass a MeterRegistry");
        return this;
    }

    /** The registry set with {@link #meterRegistry(MeterRegistry)}, if any. */
    public Optional<MeterRegistry> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    /** A configuration with every key at its default. */
    public static GridConfig defaults() {
        return new GridConfig(new ConfigValues(DEFINITION), null);
    }

    /**
     * Reads a flat YAML or JSON file of {@code key: value} (JSON when the name ends in {@code .json});
     * keys it leaves out keep their defaults. The result is {@linkplain #validate() validated}.
     *
     * @throws GridConfigException when the file cannot be read or parsed, names an unknown key, or
     *                             holds a value or combination that is not allowed; the one-line
     *                             message names the file, the key, the value and what is allowed
     */
    public static GridConfig load(Path yamlOrJson) {
        GridConfig config = new GridConfig(ConfigValues.load(DEFINITION, yamlOrJson), null);
        try {
            return config.validate();
        } catch (IllegalArgumentException e) {
            throw new GridConfigException(yamlOrJson + ": " + e.getMessage(), e);
        }
    }

    /**
     * A copy in which each key set by an environment variable ({@code CANOPY_FAN_OUT}: the key in
     * upper snake case after {@code CANOPY_}) or a system property ({@code canopy.fanOut}) takes that
     * value; the system property wins over the variable. Lists are written comma-separated. Names
     * that match no key are ignored. This configuration is not changed.
     *
     * <p>Pass {@code System.getenv()} and {@code System.getProperties()} to apply the process's own.
     *
     * @throws GridConfigException naming the variable or property, the key and the value when a value is not allowed
     */
    public GridConfig withOverrides(Map<String, String> env, Properties systemProperties) {
        return new GridConfig(values.withOverrides(env, systemProperties), meterRegistry)
                .withSecrets(secrets.withEnvironment(env));
    }

    /** An independent copy: setting one does not change the other. */
    public GridConfig copy() {
        return new GridConfig(values.copy(), meterRegistry).withSecrets(secrets);
    }

    /**
     * Checks the combinations of keys that no single setter can: {@code maxNoHeartbeat} must be
     * longer than {@code heartbeatInterval}.
     *
     * @return this
     * @throws IllegalArgumentException naming the keys, their values and the fix
     */
    public GridConfig validate() {
        if (maxNoHeartbeat().compareTo(heartbeatInterval()) <= 0) {
            throw new IllegalArgumentException("maxNoHeartbeat must be longer than heartbeatInterval ("
                    + HEARTBEAT_INTERVAL.type().format(heartbeatInterval()) + ") but was "
                    + MAX_NO_HEARTBEAT.type().format(maxNoHeartbeat())
                    + ": raise maxNoHeartbeat or lower heartbeatInterval");
        }
        return this;
    }

    /**
     * Key name to current value ({@code Integer}, {@code Boolean}, {@code String}, {@code Duration} or
     * {@code List<String>}), in reference order; unmodifiable.
     */
    public Map<String, Object> asMap() {
        return values.asMap();
    }

    @Override
    public String toString() {
        return "GridConfig" + values;
    }

    public String clusterName() {
        return values.get(CLUSTER_NAME);
    }

    public GridConfig clusterName(String clusterName) {
        values.set(CLUSTER_NAME, clusterName);
        return this;
    }

    public String bindAddress() {
        return values.get(BIND_ADDRESS);
    }

    public GridConfig bindAddress(String bindAddress) {
        values.set(BIND_ADDRESS, bindAddress);
        return this;
    }

    /** The first port tried; with {@link #portAutoIncrement()}, Hazelcast tries the following ones when it is taken. */
    public int port() {
        return values.get(PORT);
    }

    public GridConfig port(int port) {
        values.set(PORT, port);
        return this;
    }

    public boolean portAutoIncrement() {
        return values.get(PORT_AUTO_INCREMENT);
    }

    public GridConfig portAutoIncrement(boolean portAutoIncrement) {
        values.set(PORT_AUTO_INCREMENT, portAutoIncrement);
        return this;
    }

    /** The TCP/IP join list, each {@code "host"} or {@code "host:port"}; unmodifiable. */
    public List<String> members() {
        return values.get(MEMBERS);
    }

    /** Sets the TCP/IP join list; the list is copied. */
    public GridConfig members(List<String> members) {
        values.set(MEMBERS, members);
        return this;
    }

    public int backupCount() {
        return values.get(BACKUP_COUNT);
    }

    public GridConfig backupCount(int backupCount) {
        values.set(BACKUP_COUNT, backupCount);
        return this;
    }

    public int minClusterSize() {
        return values.get(MIN_CLUSTER_SIZE);
    }

    public GridConfig minClusterSize(int minClusterSize) {
        values.set(MIN_CLUSTER_SIZE, minClusterSize);
        return this;
    }

    public int workerThreads() {
        return values.get(WORKER_THREADS);
    }

    public GridConfig workerThreads(int workerThreads) {
        values.set(WORKER_THREADS, workerThreads);
        return this;
    }

    public int fanOut() {
        return values.get(FAN_OUT);
    }

    public GridConfig fanOut(int fanOut) {
        values.set(FAN_OUT, fanOut);
        return this;
    }

    /** The default leaf size, or 0 when the grid chooses it from the job size and the cluster. */
    public int leafSize() {
        return values.get(LEAF_SIZE);
    }

    public GridConfig leafSize(int leafSize) {
        values.set(LEAF_SIZE, leafSize);
        return this;
    }

    public boolean driveOwnJobs() {
        return values.get(DRIVE_OWN_JOBS);
    }

    public GridConfig driveOwnJobs(boolean driveOwnJobs) {
        values.set(DRIVE_OWN_JOBS, driveOwnJobs);
        return this;
    }

    public boolean tuneAsyncCallbacks() {
        return values.get(TUNE_ASYNC_CALLBACKS);
    }

    public GridConfig tuneAsyncCallbacks(boolean tuneAsyncCallbacks) {
        values.set(TUNE_ASYNC_CALLBACKS, tuneAsyncCallbacks);
        return this;
    }

    public Duration resultTtl() {
        return values.get(RESULT_TTL);
    }

    public GridConfig resultTtl(Duration resultTtl) {
        values.set(RESULT_TTL, resultTtl);
        return this;
    }

    public Duration heartbeatInterval() {
        return values.get(HEARTBEAT_INTERVAL);
    }

    public GridConfig heartbeatInterval(Duration heartbeatInterval) {
        values.set(HEARTBEAT_INTERVAL, heartbeatInterval);
        return this;
    }

    /** Must be longer than {@link #heartbeatInterval()}; checked by {@link #validate()}, not by the setter. */
    public Duration maxNoHeartbeat() {
        return values.get(MAX_NO_HEARTBEAT);
    }

    public GridConfig maxNoHeartbeat(Duration maxNoHeartbeat) {
        values.set(MAX_NO_HEARTBEAT, maxNoHeartbeat);
        return this;
    }

    public boolean httpEnabled() {
        return values.get(HTTP_ENABLED);
    }

    public GridConfig httpEnabled(boolean httpEnabled) {
        values.set(HTTP_ENABLED, httpEnabled);
        return this;
    }

    /** The HTTP port, or 0 for any free port. */
    public int httpPort() {
        return values.get(HTTP_PORT);
    }

    public GridConfig httpPort(int httpPort) {
        values.set(HTTP_PORT, httpPort);
        return this;
    }

    public boolean metricsEnabled() {
        return values.get(METRICS_ENABLED);
    }

    public GridConfig metricsEnabled(boolean metricsEnabled) {
        values.set(METRICS_ENABLED, metricsEnabled);
        return this;
    }

    /** Host names the status server accepts in a request's {@code Host} header, besides its own address and loopback. */
    public List<String> httpHosts() {
        return values.get(HTTP_HOSTS);
    }

    public GridConfig httpHosts(List<String> httpHosts) {
        values.set(HTTP_HOSTS, List.copyOf(Objects.requireNonNull(httpHosts,
                "httpHosts must not be null: pass an empty list for none")));
        return this;
    }

    /**
     * Whether the status server's reads need the bearer token of {@link #httpToken()} too. Needs a
     * cluster key, which {@code bin/grid node} checks once its overrides are read (not {@link #validate()}:
     * {@link #load} validates before {@code CANOPY_CLUSTER_KEY} is taken in).
     */
    public boolean httpReadsNeedToken() {
        return values.get(HTTP_READS_NEED_TOKEN);
    }

    public GridConfig httpReadsNeedToken(boolean httpReadsNeedToken) {
        values.set(HTTP_READS_NEED_TOKEN, httpReadsNeedToken);
        return this;
    }

    /** Cap on the job names that per-job meters carry; jobs past it share {@code job="other"}. */
    public int metricsJobNames() {
        return values.get(METRICS_JOB_NAMES);
    }

    public GridConfig metricsJobNames(int metricsJobNames) {
        values.set(METRICS_JOB_NAMES, metricsJobNames);
        return this;
    }

    /** How long a job name's per-job meters outlive the last job of that name. */
    public Duration metricsJobExpiry() {
        return values.get(METRICS_JOB_EXPIRY);
    }

    public GridConfig metricsJobExpiry(Duration metricsJobExpiry) {
        values.set(METRICS_JOB_EXPIRY, metricsJobExpiry);
        return this;
    }

    /** Largest serialized partial or result a job may produce, in bytes. */
    public int maxResultBytes() {
        return values.get(MAX_RESULT_BYTES);
    }

    public GridConfig maxResultBytes(int maxResultBytes) {
        values.set(MAX_RESULT_BYTES, maxResultBytes);
        return this;
    }

    /** How long a cancelled job's task may ignore its interrupt before its worker thread is replaced. */
    public Duration cancelGrace() {
        return values.get(CANCEL_GRACE);
    }

    public GridConfig cancelGrace(Duration cancelGrace) {
        values.set(CANCEL_GRACE, cancelGrace);
        return this;
    }

    /** Whether {@code bin/grid node} refuses {@code System.exit} to tasks. */
    public boolean exitGuard() {
        return values.get(EXIT_GUARD);
    }

    public GridConfig exitGuard(boolean exitGuard) {
        values.set(EXIT_GUARD, exitGuard);
        return this;
    }

    /** The file holding the cluster key; empty for none. */
    public String clusterKeyFile() {
        return values.get(CLUSTER_KEY_FILE);
    }

    public GridConfig clusterKeyFile(String clusterKeyFile) {
        values.set(CLUSTER_KEY_FILE, clusterKeyFile);
        return this;
    }

    /**
     * Class-name prefixes ({@code "com.acme.model."}) that Hazelcast may Java-deserialize on this
     * node besides Canopy's own allow-list; unmodifiable. Applies to nodes Canopy starts
     * ({@code GridNode.start}, {@code bin/grid node}); an attached node leaves its Hazelcast's
     * serialization config as it is.
     */
    public List<String> serialAllow() {
        return values.get(SERIAL_ALLOW);
    }

    public GridConfig serialAllow(List<String> serialAllow) {
        values.set(SERIAL_ALLOW, List.copyOf(Objects.requireNonNull(serialAllow,
                "serialAllow must not be null: pass an empty list for none")));
        return this;
    }

    /** Whether jobs submitted from this node carry their code. */
    public boolean shipCode() {
        return values.get(SHIP_CODE);
    }

    public GridConfig shipCode(boolean shipCode) {
        values.set(SHIP_CODE, shipCode);
        return this;
    }

    /** Jars or class folders shipped with every job submitted from this node, besides those found from its classes. */
    public List<String> codePaths() {
        return values.get(CODE_PATHS);
    }

    public GridConfig codePaths(List<String> codePaths) {
        values.set(CODE_PATHS, List.copyOf(Objects.requireNonNull(codePaths,
                "codePaths must not be null: pass an empty list for none")));
        return this;
    }

    /** How long shipped code that no unfinished job uses stays in the grid. */
    public Duration codeTtl() {
        return values.get(CODE_TTL);
    }

    public GridConfig codeTtl(Duration codeTtl) {
        values.set(CODE_TTL, codeTtl);
        return this;
    }
}
