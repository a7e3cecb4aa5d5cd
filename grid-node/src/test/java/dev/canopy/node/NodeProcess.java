package dev.canopy.node;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One {@code grid node} JVM started by a test: the same command as {@code bin/grid node} (this JVM's
 * {@code java}, Hazelcast's {@code --add-opens} flags, the test class path, so test classes can be
 * shipped as tasks). Its standard output and error go to a log file under {@code target/it-logs}
 * and are watched for the ready line. {@link #close()} stops it; every test closes what it starts.
 */
final class NodeProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile(
            Pattern.quote(NodeCommand.READY) + " member (\\S+) at (\\S+) \\(cluster '([^']*)'\\)(?:, status at (\\S+))?");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final Process process;
    private final Path log;
    private final CompletableFuture<Matcher> ready = new CompletableFuture<>();

    private NodeProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code grid node --config config}, logging to {@code target/it-logs/<name>.log}. */
    static NodeProcess start(String name, Path config) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOpens());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(classPath());
        command.add(GridCommand.class.getName());
        command.add("node");
        command.add("--config");
        command.add(config.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("CANOPY_"));
        Path logs = Files.createDirectories(Path.of("target", "it-logs"));
        Path log = logs.resolve(name + ".log");
        NodeProcess node = new NodeProcess(name, builder.start(), log);
        node.watch();
        return node;
    }

    /**
     * This JVM's class path (main and test classes and every dependency) less Hazelcast's test jar,
     * which a real node does not have (its second NodeExtension makes Hazelcast warn).
     */
    static String classPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.matches(".*hazelcast-[^/\\\\]*-tests\\.jar"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** The flags bin/grid passes: failsafe hands over the pom's {@code hazelcast.opens}; else this JVM's own. */
    static List<String> javaOpens() {
        String fromPom = System.getProperty("canopy.it.javaOpens");
        if (fromPom != null && !fromPom.isBlank()) {
            return Arrays.asList(fromPom.trim().split("\\s+"));
        }
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-")).toList();
    }

    private void watch() {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line);
                    Matcher m = READY.matcher(line);
                    if (m.matches()) {
                        ready.complete(m);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException(name + " ended before its ready line"));
        }, "it-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits for the ready line; returns the member's uuid. Fails with the log's tail when it does not come in time. */
    UUID awaitReady(Duration timeout) throws InterruptedException {
        try {
            return UUID.fromString(ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS).group(1));
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(name + " printed no ready line within " + timeout + ": " + e + "\n" + tail(), e);
        }
    }

    /** The member's uuid, from its ready line. */
    UUID memberId() {
        return UUID.fromString(ready.join().group(1));
    }

    /** The member's {@code host:port}, from its ready line. */
    String address() {
        return ready.join().group(2);
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** {@code kill -9}: ends the process at once, without a clean leave. */
    void kill() {
        process.destroyForcibly();
        boolean ended;
        try {
            ended = process.waitFor(KILL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = !process.isAlive();
        }
        if (!ended) {
            throw new AssertionError(name + " (pid " + process.pid() + ") still runs " + KILL_TIMEOUT + " after kill -9");
        }
    }

    /** SIGTERM, as Ctrl-C: the node leaves cleanly; killed if it has not ended within a minute. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }

    /** Closes every node, even when one fails to stop; rethrows the first failure. */
    static void closeAll(List<NodeProcess> nodes) {
        // SIGTERM to all first, so they leave together instead of one by one
        for (NodeProcess node : nodes) {
            if (node.process.isAlive()) {
                node.process.destroy();
            }
        }
        AssertionError failure = null;
        for (NodeProcess node : nodes) {
            try {
                node.close();
            } catch (AssertionError e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
