package dev.canopy.grid.internal.trust;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The secrets a node's or client's configuration holds for its cluster key, apart from its file
 * keys (so that no listing, {@code toString} or status page shows them): the key set in code, and
 * the value of {@value KeySources#ENV_VAR} taken from the environment. Where the key then comes
 * from is {@link KeySources}'s call. Immutable.
 *
 * @param inCode  the key set with {@code clusterKey(...)}, or null
 * @param fromEnv the environment's {@value KeySources#ENV_VAR}, or null
 */
public record KeySecrets(String inCode, String fromEnv) {

    public static final KeySecrets NONE = new KeySecrets(null, null);

    /**
     * These secrets with {@code secret} set in code.
     *
     * @throws IllegalArgumentException when it is shorter than {@value ClusterKey#MIN_SECRET_CHARS} characters
     */
    public KeySecrets withKeyInCode(String secret) {
        Objects.requireNonNull(secret, "clusterKey must not be null: pass the cluster's secret");
        ClusterKey.of(secret, List.of(), "the configuration set in code");
        return new KeySecrets(secret, fromEnv);
    }

    /** These secrets with the key of {@code env}, when it has one. */
    public KeySecrets withEnvironment(Map<String, String> env) {
        return new KeySecrets(inCode, env.getOrDefault(KeySources.ENV_VAR, fromEnv));
    }

    /** Whether a key is set, in code, by {@code keyFile} or by the environment. */
    public boolean isSet(String keyFile) {
        return inCode != null || !keyFile.isBlank() || (fromEnv != null && !fromEnv.isBlank());
    }

    /** The key, read now (from {@code keyFile} when one is named). */
    public ClusterKey resolve(String keyFile) {
        return KeySources.resolve(inCode, keyFile, fromEnv);
    }

    @Override
    public String toString() {
        return "KeySecrets[" + (inCode != null ? "in code" : fromEnv != null ? "from the environment" : "none") + "]";
    }
}
