package dev.canopy.grid;

/**
 * A configuration that cannot be used: a file that is unreadable or malformed, an unknown key, a
 * value of the wrong type or out of range, or keys that do not go together. The message is one line
 * naming the source (the file, environment variable or system property), the key, the value and
 * what is allowed, e.g. {@code config/node.yaml: key 'fanOut': value 1 is not allowed: must be an
 * integer >= 2}. Not retriable: the setting has to change.
 *
 * <p>Setters of {@link GridConfig} and {@link GridClientConfig} throw {@link IllegalArgumentException}
 * instead, as for any bad argument; this exception is for what is read from outside the program.
 */
public final class GridConfigException extends GridException {

    public GridConfigException(String message) {
        super(message);
    }

    public GridConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
