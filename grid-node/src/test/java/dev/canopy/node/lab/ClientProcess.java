package dev.canopy.node.lab;

import dev.canopy.node.process.NodeProcess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LabClient} JVM on a lab host, as the test's JVM sees it: {@link #ask} sends one command
 * and waits, with a deadline, for its one-line answer. Its stderr (the client's log) and a transcript
 * of the commands and answers, with the time of each, go to {@code <lab dir>/<name>.log}; the lab
 * kills it at its close.
 */
public final class ClientProcess implements AutoCloseable {

    /** JVM start and connection on a busy two-core machine: generous, but bounded. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(90);
    /** Besides a command's own wait (a {@code result}'s seconds), how long an answer may take. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final PrintWriter in;
    private final Path log;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

    private ClientProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.log = log;
    }

    /**
     * Starts a client on {@code host} with the client configuration file {@code config} and waits for
     * it to connect.
     *
     * @throws IllegalStateException when it does not connect, with its answer and log
     */
    public static ClientProcess start(Lab lab, Host host, String name, Path config) throws IOException {
        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.addAll(NodeProcess.hazelcastFlags());
        java.addAll(List.of("-Xmx192m", "-cp", NodeProcess.classPath(), LabClient.class.getName(), config.toString()));
        Path log = lab.dir().resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(host.command(java)).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("CANOPY_"));
        ClientProcess client = new ClientProcess(name, lab.start(builder), log);
        client.readAnswers();
        String first = client.next(CONNECT_TIMEOUT, "its connection");
        if (!first.startsWith("connected ")) {
            throw new IllegalStateException(name + " on " + host + " did not connect: " + first + "\n" + client.tail());
        }
        return client;
    }

    private void readAnswers() {
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    answers.add(line);
                }
            } catch (IOException e) {
                answers.add("error the client's output broke off: " + e);
            }
            answers.add("error the client ended (exit code " + exitCode() + ")");
        }, "answers-of-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private String exitCode() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "none yet";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /**
     * Sends {@code command} and returns its answer, waiting at most {@code wait} plus 30 s.
     *
     * @throws IllegalStateException when no answer comes in time, with the client's log
     */
    public String ask(String command, Duration wait) {
        transcript("> " + command);
        in.println(command);
        String answer = next(wait.plus(ANSWER_TIMEOUT), "the answer to '" + command + "'");
        transcript("< " + answer);
        return answer;
    }

    public String ask(String command) {
        return ask(command, Duration.ZERO);
    }

    private String next(Duration timeout, String what) {
        try {
            String line = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new IllegalStateException(name + " gave no " + what + " within " + timeout + "; its log ends:\n"
                        + tail());
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what + " from " + name, e);
        }
    }

    private void transcript(String line) {
        try (Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + line + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + log, e);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Asks it to quit, and kills it if it has not within 10 s. */
    @Override
    public void close() {
        in.println("quit");
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
