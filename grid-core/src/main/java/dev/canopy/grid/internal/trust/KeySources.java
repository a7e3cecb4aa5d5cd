package dev.canopy.grid.internal.trust;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where a node or client finds its {@link ClusterKey}: set in code, else the file named by
 * {@code clusterKeyFile}, else the environment variable {@value #ENV_VAR}, else none. Never a
 * config file's own key: config files are shared, copied and committed.
 *
 * <p>A key file holds the key on its first line that is neither blank nor a {@code #} comment; any
 * further such lines are previous keys that still verify during a rotation.
 */
public final class KeySources {

    public static final String ENV_VAR = "CANOPY_CLUSTER_KEY";
    private static final Logger LOG = LoggerFactory.getLogger(KeySources.class);

    private KeySources() {
    }

    /**
     * @param inCode  the key set with {@code clusterKey(...)}, or null
     * @param keyFile the {@code clusterKeyFile} key's value, empty for none
     * @param fromEnv the value of {@value #ENV_VAR}, or null
     * @throws IllegalArgumentException naming the source and the fix when the file cannot be read or a key is too short
     */
    public static ClusterKey resolve(String inCode, String keyFile, String fromEnv) {
        if (inCode != null) {
            return ClusterKey.of(inCode, List.of(), "the configuration set in code");
        }
        if (keyFile != null && !keyFile.isBlank()) {
            return fromFile(Path.of(keyFile));
        }
        if (fromEnv != null && !fromEnv.isBlank()) {
            return ClusterKey.of(fromEnv, List.of(), "environment variable " + ENV_VAR);
        }
        return ClusterKey.none();
    }

    static ClusterKey fromFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("clusterKeyFile " + file + " cannot be read (" + e + "): create it"
                    + " holding the key, for example with `openssl rand -base64 32 > " + file + "`", e);
        }
        List<String> keys = new ArrayList<>();
        for (String line : lines) {
            String stripped = line.strip();
            if (!stripped.isEmpty() && !stripped.startsWith("#")) {
                keys.add(stripped);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("clusterKeyFile " + file + " holds no key: write the key on its first"
                    + " line, for example with `openssl rand -base64 32 > " + file + "`");
        }
        warnIfOthersCanRead(file);
        return ClusterKey.of(keys.get(0), keys.subList(1, keys.size()), "clusterKeyFile " + file);
    }

    private static void warnIfOthersCanRead(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.GROUP_READ)
                    || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("clusterKeyFile {} can be read by other users than its owner: whoever reads it can run code"
                        + " on every node; run `chmod 600 {}`", file, file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to check
        }
    }
}
