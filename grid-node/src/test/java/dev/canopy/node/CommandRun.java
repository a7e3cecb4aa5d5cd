package dev.canopy.node;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** One in-process run of {@code grid ...} with captured output, an environment of the test's own and no TTY. */
record CommandRun(int code, String out, String err) {

    static CommandRun of(String... args) {
        return withEnv(Map.of(), args);
    }

    static CommandRun withEnv(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int code = new GridCommand(new Io(o, e, env, new Properties(), false)).execute(args);
            return new CommandRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    List<String> errLines() {
        return lines(err);
    }

    List<String> outLines() {
        return lines(out);
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\\R")).filter(l -> !l.isBlank()).toList();
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
}
