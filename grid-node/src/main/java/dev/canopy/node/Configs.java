package dev.canopy.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.canopy.grid.GridClientConfig;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridConfigException;
import dev.canopy.node.http.StatusServer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * How the commands read configuration: a file when one is given, else the defaults; then the
 * {@code CANOPY_...} environment variables and {@code canopy....} system properties on top. Every
 * problem is a {@link GridConfigException} whose message is one line naming the file (or variable), the
 * key, the value and what is allowed: {@link GridCommand} prints it and exits with code 2.
 */
final class Configs {

    private static final String CONNECT_TIMEOUT = "connectTimeout";

    private Configs() {
    }

    /**
     * A node's configuration, validated, also for what only a standalone node uses: reads that need
     * the HTTP token need a cluster key. That is checked here, once the overrides are in, not by
     * {@link GridConfig#validate()}, which {@link GridConfig#load} runs before {@code CANOPY_CLUSTER_KEY}
     * is taken in.
     */
    static GridConfig node(Path file, Io io) {
        GridConfig config = file == null ? GridConfig.defaults() : GridConfig.load(file);
        config = config.withOverrides(io.env(), io.properties());
        try {
            config.validate();
            if (config.httpEnabled() && config.httpReadsNeedToken() && !config.hasClusterKey()) {
                throw new IllegalArgumentException(StatusServer.READS_NEED_A_KEY);
            }
            return config;
        } catch (IllegalArgumentException e) {
            throw new GridConfigException(describe(file) + " with CANOPY_* and canopy.* overrides: " + e.getMessage(), e);
        }
    }

    /**
     * A client's configuration. {@code connectTimeout} is {@code defaultConnectTimeout} unless the
     * file, an environment variable or a system property sets it.
     */
    static GridClientConfig client(Path file, Io io, Duration defaultConnectTimeout) {
        GridClientConfig config = file == null ? GridClientConfig.defaults() : GridClientConfig.load(file);
        if (!(file != null && fileSets(file, CONNECT_TIMEOUT))) {
            config.connectTimeout(defaultConnectTimeout);
        }
        return config.withOverrides(io.env(), io.properties());
    }

    private static String describe(Path file) {
        return file == null ? "the default configuration" : file.toString();
    }

    /** Whether the (already loaded, so readable and well-formed) file names {@code key}. */
    private static boolean fileSets(Path file, String key) {
        boolean json = file.getFileName() != null
                && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        ObjectMapper mapper = json ? new JsonMapper() : new YAMLMapper();
        try {
            JsonNode root = mapper.readTree(file.toFile());
            return root != null && root.has(key);
        } catch (IOException e) {
            throw new GridConfigException(file + ": cannot read the file: " + Errors.oneLine(e), e);
        }
    }
}
