package dev.canopy.grid.internal.config;

import java.util.List;
import java.util.regex.Pattern;

import static dev.canopy.grid.internal.config.ConfigType.STRING;
import static dev.canopy.grid.internal.config.ConfigType.STRING_LIST;
import static dev.canopy.grid.internal.config.Validator.addresses;
import static dev.canopy.grid.internal.config.Validator.nonBlank;

/**
 * The keys that a node's and a client's configuration both have. Defined once, so the two read and
 * check them alike (a client that accepts a cluster name a node refuses could never join); each
 * configuration still says in its own words what the key means to it.
 */
public final class CommonKeys {

    /** A class name or a prefix of one: dotted Java identifiers, perhaps ending in a dot (a package and everything under it). */
    private static final Pattern CLASS_PREFIX = Pattern.compile(
            "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*\\.?");

    private CommonKeys() {
    }

    /** {@code clusterName}: a non-blank string, {@code canopy} by default. */
    public static ConfigKey<String> clusterName(String doc) {
        return ConfigKey.of("clusterName", STRING, "canopy", nonBlank(), doc);
    }

    /** {@code members}: a non-empty list of {@code "host"} or {@code "host:port"} entries. */
    public static ConfigKey<List<String>> members(List<String> defaultValue, String doc) {
        return ConfigKey.of("members", STRING_LIST, defaultValue, addresses(), doc);
    }

    /** {@code shipCode}: a boolean, true by default. */
    public static ConfigKey<Boolean> shipCode(String doc) {
        return ConfigKey.of("shipCode", ConfigType.BOOLEAN, true, Validator.anyBoolean(), doc);
    }

    /** {@code codePaths}: jars or class folders, possibly none. */
    public static ConfigKey<List<String>> codePaths(String doc) {
        return ConfigKey.of("codePaths", STRING_LIST, List.of(), Validator.paths(), doc);
    }

    /** {@code clusterKeyFile}: a path, or empty for none. */
    public static ConfigKey<String> clusterKeyFile(String doc) {
        return ConfigKey.of("clusterKeyFile", STRING, "", new Validator<>("a path of a file holding the key, or empty",
                v -> true), doc);
    }

    /** {@code serialAllow}: class-name prefixes, possibly none; no wildcards, no blanks. */
    public static ConfigKey<List<String>> serialAllow(String doc) {
        return ConfigKey.of("serialAllow", STRING_LIST, List.of(), new Validator<>(
                "a list of class-name prefixes: a package ending in a dot (\"com.acme.model.\") or a class name"
                        + " (\"com.acme.Order\"), no wildcards",
                v -> v.stream().allMatch(p -> p != null && CLASS_PREFIX.matcher(p).matches())), doc);
    }
}
