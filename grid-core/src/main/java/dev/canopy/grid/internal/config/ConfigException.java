package dev.canopy.grid.internal.config;

import dev.canopy.grid.GridException;

/**
 * A configuration file or override that cannot be used: unreadable, malformed, an unknown key, or a
 * value of the wrong type or out of range. The message is one line naming the source (the file,
 * environment variable or system property), the key, the value and what is allowed. Not retriable:
 * the setting has to change.
 */
public final class ConfigException extends GridException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
