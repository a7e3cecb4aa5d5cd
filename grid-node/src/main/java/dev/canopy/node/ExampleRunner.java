package dev.canopy.node;

import dev.canopy.examples.Example;
import dev.canopy.examples.Examples;
import dev.canopy.grid.Grid;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** What {@code grid submit} and {@code grid example} share: finding an example by name and running it. */
final class ExampleRunner {

    static final int HELP_WIDTH = 79;

    private ExampleRunner() {
    }

    /** The example called {@code name}; when there is none, says so on one line, naming the known ones. */
    static Optional<Example> find(String command, String name, Io io) {
        Optional<Example> example = Examples.named(name);
        if (example.isEmpty()) {
            io.err().println(command + ": unknown example '" + name + "': known examples are " + names());
        }
        return example;
    }

    /** The known examples' names, comma-separated, in help order. */
    static String names() {
        return Examples.all().stream().map(Example::name).collect(Collectors.joining(", "));
    }

    /** Help text: each example's name and description, wrapped to {@value #HELP_WIDTH} columns. */
    static String[] catalogue() {
        List<Example> all = Examples.all();
        int width = all.stream().mapToInt(e -> e.name().length()).max().orElse(0) + 4;
        List<String> lines = new ArrayList<>(List.of("", "Examples:"));
        for (Example e : all) {
            String head = "  " + e.name() + " ".repeat(width - 2 - e.name().length());
            for (String line : wrap(e.description(), HELP_WIDTH - width)) {
                lines.add(head + line.replace("%", "%%"));
                head = " ".repeat(width);
            }
        }
        return lines.toArray(String[]::new);
    }

    /** {@code text} in lines of at most {@code width} characters, broken at spaces where it can be. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * Runs {@code example} on {@code grid} with its own arguments. Returns {@link GridCommand#OK} when
     * its result passed its check, {@link GridCommand#FAILED} when it did not or the job failed, and
     * {@link GridCommand#BAD_INPUT} when the example refused its arguments.
     */
    static int run(String command, Example example, Grid grid, List<String> args, Io io) {
        try {
            Example.Result result = example.run(grid, List.copyOf(args), io.out());
            io.out().flush();
            return result.ok() ? GridCommand.OK : GridCommand.FAILED;
        } catch (IllegalArgumentException e) {
            String message = Errors.oneLine(e);
            // the examples' own messages start with their name: "pi: unknown option --x; ..."
            io.err().println(command + " " + (message.startsWith(example.name() + ":") ? message
                    : example.name() + ": " + message));
            return GridCommand.BAD_INPUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            io.err().println(command + " " + example.name() + ": interrupted");
            return GridCommand.FAILED;
        } catch (Exception e) {
            io.err().println(command + " " + example.name() + " failed: " + Errors.oneLine(e));
            return GridCommand.FAILED;
        }
    }
}
