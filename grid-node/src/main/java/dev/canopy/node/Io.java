package dev.canopy.node;

import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * What a command reads and writes besides its arguments, so tests can run a command in-process with
 * captured streams and an environment of their own.
 *
 * @param out        normal output: results, tables, the ready line, progress
 * @param err        one-line errors (log lines also go to the process's standard error)
 * @param env        the environment variables configuration overrides are read from ({@code CANOPY_FAN_OUT})
 * @param properties the system properties configuration overrides are read from ({@code canopy.fanOut})
 * @param tty        whether {@code out} is a terminal, which decides how progress is drawn
 */
record Io(PrintStream out, PrintStream err, Map<String, String> env, Properties properties, boolean tty) {

    Io {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(properties, "properties");
    }

    /** The process's own: {@code System.out}, {@code System.err}, environment, system properties and console. */
    static Io system() {
        return new Io(System.out, System.err, System.getenv(), System.getProperties(), System.console() != null);
    }

    /** The given streams with the process's environment and system properties; never a TTY. */
    static Io of(PrintStream out, PrintStream err) {
        return new Io(out, err, System.getenv(), System.getProperties(), false);
    }
}
