package dev.canopy.examples;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The runnable examples, by name: what {@code bin/grid example NAME} and {@code bin/grid submit NAME} look up. */
public final class Examples {

    private static final List<Example> ALL = List.of(
            new PiExample(),
            new WordCountExample(),
            new PipelineExample(),
            new SortExample(),
            new NestedExample(),
            new EmbeddedExample());

    private Examples() {
    }

    /** Every example, in the order help output lists them. */
    public static List<Example> all() {
        return ALL;
    }

    /** The example called {@code name} (as on the command line, e.g. "pi"), if there is one. */
    public static Optional<Example> named(String name) {
        Objects.requireNonNull(name, "name");
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
