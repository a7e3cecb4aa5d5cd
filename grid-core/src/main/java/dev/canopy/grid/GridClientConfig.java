package dev.canopy.grid;

import dev.canopy.grid.internal.config.CommonKeys;
import dev.canopy.grid.internal.config.ConfigDef;
import dev.canopy.grid.internal.config.ConfigKey;
import dev.canopy.grid.internal.config.ConfigValues;
import dev.canopy.grid.internal.trust.ClusterKey;
import dev.canopy.grid.internal.trust.KeySecrets;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import static dev.canopy.grid.internal.config.ConfigType.DURATION;
import static dev.canopy.grid.internal.config.Validator.positive;

/**
 * Configuration of a client ({@code GridClient.connect}), mutable and fluent like {@link GridConfig}
 * and read the same ways: a YAML or JSON file, {@code CANOPY_...} environment variables and
 * {@code canopy....} system properties. Keys are defined once, below, and listed in
 * {@code config/README.md}. A setter checks its value at once and throws
 * {@link IllegalArgumentException} naming the key, the value and what is allowed.
 *
 * <p>Not thread-safe: configure it on one thread, then hand it to the client.
 */
public final class GridClientConfig {

    private static final ConfigKey<String> CLUSTER_NAME = CommonKeys.clusterName("Name of the cluster to connect to.");
    private static final ConfigKey<List<String>> MEMBERS = CommonKeys.members(List.of("127.0.0.1:5701"),
            "Members to try when connecting, each \"host\" or \"host:port\".");
    private static final ConfigKey<Duration> CONNECT_TIMEOUT = ConfigKey.of("connectTimeout", DURATION,
            Duration.ofSeconds(10), positive(),
            "How long to keep trying to reach the cluster before giving up.");

    /** Every key, in the order of the reference; the README test reads it. */
    private static final ConfigKey<Boolean> SHIP_CODE = CommonKeys.shipCode(
            "A job submitted from this client carries its code: the class-path entries (jars, class folders) holding its classes and what they reach, less the JDK, Canopy and its dependencies, stored in the grid once by content; false sends only the job, for grids whose nodes all have its classes.");
    private static final ConfigKey<List<String>> CODE_PATHS = CommonKeys.codePaths(
            "Jars or class folders shipped with every job besides those found from its classes (for classes reached only by reflection).");
    private static final ConfigKey<String> CLUSTER_KEY_FILE = CommonKeys.clusterKeyFile(
            "File holding the cluster key that this client signs its jobs with; the members refuse a job not signed with theirs. Without it, CANOPY_CLUSTER_KEY is used, if set.");
    private static final ConfigKey<List<String>> SERIAL_ALLOW = CommonKeys.serialAllow(
            "Class-name prefixes this client lets Hazelcast Java-deserialize besides the JDK types, Canopy and Hazelcast it always allows: the classes of map keys and values it reads itself when they use Java serialization. Job results and task errors never need it.");
    static final ConfigDef DEFINITION = new ConfigDef(CLUSTER_NAME, MEMBERS, CONNECT_TIMEOUT, CLUSTER_KEY_FILE,
            SERIAL_ALLOW, SHIP_CODE, CODE_PATHS);

    private final ConfigValues values;
    /** Kept out of {@link #values}, so no listing or {@code toString} can show it. */
    private KeySecrets secrets = KeySecrets.NONE;

    private GridClientConfig(ConfigValues values) {
        this.values = values;
    }

    /** A configuration with every key at its default. */
    public static GridClientConfig defaults() {
        return new GridClientConfig(new ConfigValues(DEFINITION));
    }

    /**
     * Reads a flat YAML or JSON file of {@code key: value} (JSON when the name ends in {@code .json});
     * keys it leaves out keep their defaults.
     *
     * @throws GridConfigException when the file cannot be read or parsed, names an unknown key, or
     *                             holds a value that is not allowed; the one-line message names the
     *                             file, the key, the value and what is allowed
     */
    public static GridClientConfig load(Path yamlOrJson) {
        return new GridClientConfig(ConfigValues.load(DEFINITION, yamlOrJson));
    }

    /**
     * A copy in which each key set by an environment variable ({@code CANOPY_CONNECT_TIMEOUT}) or a
     * system property ({@code canopy.connectTimeout}) takes that value; the system property wins.
     * Lists are written comma-separated. Names that match no key are ignored. This configuration is
     * not changed.
     *
     * @throws GridConfigException naming the variable or property, the key and the value when a value is not allowed
     */
    public GridClientConfig withOverrides(Map<String, String> env, Properties systemProperties) {
        GridClientConfig copy = new GridClientConfig(values.withOverrides(env, systemProperties));
        copy.secrets = secrets.withEnvironment(env);
        return copy;
    }

    /** An independent copy: setting one does not change the other. */
    public GridClientConfig copy() {
        GridClientConfig copy = new GridClientConfig(values.copy());
        copy.secrets = secrets;
        return copy;
    }

    /** Key name to current value, in reference order; unmodifiable. */
    public Map<String, Object> asMap() {
        return values.asMap();
    }

    @Override
    public String toString() {
        return "GridClientConfig" + values;
    }

    public String clusterName() {
        return values.get(CLUSTER_NAME);
    }

    public GridClientConfig clusterName(String clusterName) {
        values.set(CLUSTER_NAME, clusterName);
        return this;
    }

    /** The members to try, each {@code "host"} or {@code "host:port"}; unmodifiable. */
    public List<String> members() {
        return values.get(MEMBERS);
    }

    /** Sets the members to try; the list is copied. */
    public GridClientConfig members(List<String> members) {
        values.set(MEMBERS, members);
        return this;
    }

    public Duration connectTimeout() {
        return values.get(CONNECT_TIMEOUT);
    }

    public GridClientConfig connectTimeout(Duration connectTimeout) {
        values.set(CONNECT_TIMEOUT, connectTimeout);
        return this;
    }

    /** The file holding the cluster key; empty for none. */
    public String clusterKeyFile() {
        return values.get(CLUSTER_KEY_FILE);
    }

    public GridClientConfig clusterKeyFile(String clusterKeyFile) {
        values.set(CLUSTER_KEY_FILE, clusterKeyFile);
        return this;
    }

    /**
     * Sets the cluster key in code: it wins over {@code clusterKeyFile} and {@code CANOPY_CLUSTER_KEY}.
     * Not a file key, and never shown.
     *
     * @throws IllegalArgumentException when it is shorter than 32 characters
     */
    public GridClientConfig clusterKey(String secret) {
        secrets = secrets.withKeyInCode(secret);
        return this;
    }

    /** Whether a cluster key is set, in code, by {@code clusterKeyFile} or by {@code CANOPY_CLUSTER_KEY}. */
    public boolean hasClusterKey() {
        return secrets.isSet(clusterKeyFile());
    }

    /** The key, read now (from its file when one is named). */
    ClusterKey resolveClusterKey() {
        return secrets.resolve(clusterKeyFile());
    }

    /**
     * Class-name prefixes ({@code "com.acme.model."}) that Hazelcast may Java-deserialize on this
     * client besides Canopy's own allow-list; unmodifiable.
     */
    public List<String> serialAllow() {
        return values.get(SERIAL_ALLOW);
    }

    public GridClientConfig serialAllow(List<String> serialAllow) {
        values.set(SERIAL_ALLOW, List.copyOf(Objects.requireNonNull(serialAllow,
                "serialAllow must not be null: pass an empty list for none")));
        return this;
    }

    /** Whether jobs submitted from this client carry their code. */
    public boolean shipCode() {
        return values.get(SHIP_CODE);
    }

    public GridClientConfig shipCode(boolean shipCode) {
        values.set(SHIP_CODE, shipCode);
        return this;
    }

    /** Jars or class folders shipped with every job submitted from this client, besides those found from its classes. */
    public List<String> codePaths() {
        return values.get(CODE_PATHS);
    }

    public GridClientConfig codePaths(List<String> codePaths) {
        values.set(CODE_PATHS, List.copyOf(Objects.requireNonNull(codePaths,
                "codePaths must not be null: pass an empty list for none")));
        return this;
    }
}
