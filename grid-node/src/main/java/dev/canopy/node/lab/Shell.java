package dev.canopy.node.lab;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the lab's short commands ({@code ip}, {@code iptables-legacy}, {@code kill}), each with a deadline. */
final class Shell {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Shell() {
    }

    /**
     * Runs {@code command} and returns its output (stdout and stderr together).
     *
     * @throws IllegalStateException naming the command and its output when it fails or does not end within 30 s
     */
    static String run(List<String> command) {
        Result result = tryRun(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' failed with exit code "
                    + result.exitCode() + ": " + result.output().strip());
        }
        return result.output();
    }

    static String run(String... command) {
        return run(List.of(command));
    }

    /** What a command printed and how it ended; exit code 127 when it could not be started at all. */
    record Result(int exitCode, String output) {
    }

    /** Runs {@code command}, failing only when it does not end in time. */
    static Result tryRun(List<String> command) {
        Path output = null;
        try {
            output = Files.createTempFile("canopy-lab-command", ".out");
            Process process;
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            } catch (IOException e) {
                return new Result(127, e.getMessage());
            }
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("'" + String.join(" ", command) + "' did not end within " + TIMEOUT);
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run '" + String.join(" ", command) + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running '" + String.join(" ", command) + "'", e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }
}
