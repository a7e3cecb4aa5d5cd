package dev.canopy.examples;

import dev.canopy.grid.Grid;

import java.io.PrintStream;
import java.util.List;

/**
 * A runnable example job. {@code bin/grid example NAME} runs it on an embedded cluster,
 * {@code bin/grid submit NAME} against a running one through a client.
 */
public interface Example {

    /** The name used on the command line, e.g. "pi". */
    String name();

    /** One line for help output. */
    String description();

    /**
     * Runs the example on {@code grid}, printing what a user should see to {@code out}.
     *
     * @param args the example's own arguments (after its name on the command line)
     * @return the example's checked result: {@code ok} false when the result failed its own check
     */
    Result run(Grid grid, List<String> args, PrintStream out) throws Exception;

    /** What an example computed and whether it passed its own check (against a single-threaded count, a closed form...). */
    record Result(boolean ok, String summary) {
    }
}
