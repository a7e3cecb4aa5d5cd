package dev.canopy.node;

import java.util.Properties;

/**
 * Defaults for slf4j-simple, the command line's logging backend, set as system properties before the
 * first logger exists; a {@code -D} given on the command line (through {@code JAVA_OPTS}) wins.
 * Log lines go to standard error, so standard output carries only what a command prints.
 *
 * <p>{@code grid node} logs at INFO (Canopy's membership changes, recoveries and job completions,
 * and Hazelcast's member list); Hazelcast's other chatter and every other command log warnings only,
 * so a progress bar or a table is not drowned.
 */
final class Logging {

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {
    }

    /** Sets the defaults for the command named first among {@code args}. Call before any logger is created. */
    static void configure(String[] args, Properties properties) {
        boolean node = args.length > 0 && "node".equals(firstCommand(args));
        setDefault(properties, "hazelcast.logging.type", "slf4j");
        setDefault(properties, PREFIX + "logFile", "System.err");
        setDefault(properties, PREFIX + "showDateTime", "true");
        setDefault(properties, PREFIX + "dateTimeFormat", "HH:mm:ss.SSS");
        setDefault(properties, PREFIX + "showThreadName", "false");
        setDefault(properties, PREFIX + "showShortLogName", "true");
        setDefault(properties, PREFIX + "levelInBrackets", "true");
        if (node) {
            setDefault(properties, PREFIX + "defaultLogLevel", "info");
            setDefault(properties, PREFIX + "log.com.hazelcast", "warn");
            setDefault(properties, PREFIX + "log.com.hazelcast.internal.cluster.ClusterService", "info");
        } else {
            setDefault(properties, PREFIX + "defaultLogLevel", "warn");
            // a client that cannot connect warns on every attempt; the command says it once
            setDefault(properties, PREFIX + "log.com.hazelcast", "error");
        }
    }

    private static String firstCommand(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return "";
    }

    private static void setDefault(Properties properties, String key, String value) {
        if (properties.getProperty(key) == null) {
            properties.setProperty(key, value);
        }
    }
}
