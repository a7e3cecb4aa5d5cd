package dev.canopy.node.process;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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
 * One {@code grid node} JVM started by this one, with the command {@code bin/grid node} runs: this
 * JVM's {@code java}, Hazelcast's module flags as the build wrote them (the parent pom's
 * {@code hazelcast.opens}), and this JVM's class path, so classes a test or benchmark ships as tasks
 * are there too. Its output goes to a log file and is watched for the node's ready line.
 *
 * <p>{@link #kill()} ends it as {@code kill -9} does, {@link #close()} as Ctrl-C does; both act on the
 * {@link Process} started here, never on a process looked up by name.
 */
public final class NodeProcess implements AutoCloseable {

    /** The line a node prints once it is a member (dev.canopy.node.NodeCommand.READY, package-private there). */
    static final String READY = "canopy node ready:";
    /** The longest {@link #awaitReady()} waits: four JVMs starting at once on two busy cores take a while. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private static final Pattern READY_LINE = Pattern.compile(
            Pattern.quote(READY) + " member (\\S+) at (\\S+) \\(cluster '([^']*)'\\)(?:, status at (\\S+))?");
    /** Written at build time from the parent pom's {@code hazelcast.opens} (grid-node's resource filtering). */
    private static final String FLAGS_RESOURCE = "hazelcast-opens.txt";
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

    /** Starts {@code grid node --config config} with {@code -Xmx<maxHeap>}, its output going to {@code log}. */
    static NodeProcess start(String name, Path config, Path log, String maxHeap) throws IOException {
        return start(name, List.of(), config, log, maxHeap);
    }

    /**
     * As {@link #start(String, Path, Path, String)}, with {@code java} run by {@code launcher}: for
     * example {@code ip netns exec <namespace>}, which runs a node in a network namespace of a test's
     * own. The launcher must exec {@code java} in its own process (as {@code ip netns exec},
     * {@code nsenter} and {@code env} do), so that {@link #pid()} is the node's JVM and signals reach it.
     */
    public static NodeProcess start(String name, List<String> launcher, Path config, Path log, String maxHeap)
            throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(hazelcastFlags());
        command.add("-Xmx" + maxHeap);
        command.add("-Djava.security.manager=allow"); // as bin/grid: lets exitGuard work on any Java

        command.add("-cp");
        command.add(classPath());
        command.add("dev.canopy.node.GridCommand");
        command.add("node");
        command.add("--config");
        command.add(config.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // the configuration file is the node's whole configuration: no CANOPY_* override from our environment
        builder.environment().keySet().removeIf(k -> k.startsWith("CANOPY_"));
        NodeProcess node = new NodeProcess(name, builder.start(), log);
        node.watch();
        return node;
    }

    /**
     * The JVM flags Hazelcast documents for Java 17, as the build wrote them from the parent pom; also
     * for the client JVMs a test starts.
     */
    public static List<String> hazelcastFlags() {
        String flags;
        try (InputStream in = NodeProcess.class.getResourceAsStream(FLAGS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(FLAGS_RESOURCE + " is not on the class path: build grid-node with Maven");
            }
            flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FLAGS_RESOURCE, e);
        }
        if (flags.isEmpty() || flags.contains("${")) {
            throw new IllegalStateException(FLAGS_RESOURCE + " holds '" + flags
                    + "', not the pom's hazelcast.opens: build grid-node with Maven (resource filtering)");
        }
        return List.of(flags.split("\\s+"));
    }

    /**
     * This JVM's class path less Hazelcast's test jar, which test runs carry and a real node must not
     * have (its second NodeExtension makes Hazelcast warn about a misconfigured class path); also for
     * the client JVMs a test starts.
     */
    public static String classPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.matches(".*hazelcast-[^/\\\\]*-tests\\.jar"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** Copies the output to the log file and completes {@link #ready} at the ready line, or fails it at the end. */
    private void watch() {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line);
                    Matcher m = READY_LINE.matcher(line);
                    if (m.matches()) {
                        ready.complete(m);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException(name + " ended its output before its ready line"));
        }, "output-of-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Waits at most 90 s ({@link #READY_TIMEOUT}) for the ready line and returns the member's uuid.
     *
     * @throws IllegalStateException with the log's tail, when the node exits first or does not get ready in time
     */
    public UUID awaitReady() throws InterruptedException {
        try {
            return UUID.fromString(ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).group(1));
        } catch (ExecutionException | TimeoutException e) {
            Throwable why = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException(name + " printed no ready line within " + READY_TIMEOUT + " (" + why
                    + "); the end of " + log + ":\n" + tail(), e);
        }
    }

    /** The ready line as the node printed it. */
    public String readyLine() {
        return readyMatch().group();
    }

    /** The member's uuid, from its ready line. */
    public UUID memberId() {
        return UUID.fromString(readyMatch().group(1));
    }

    /** The member's {@code host:port}, from its ready line. */
    public String address() {
        return readyMatch().group(2);
    }

    /** Whether this node printed its ready line as {@code member}. */
    boolean isMember(UUID member) {
        Matcher m = ready.getNow(null);
        return m != null && m.group(1).equals(member.toString());
    }

    private Matcher readyMatch() {
        Matcher m = ready.isCompletedExceptionally() ? null : ready.getNow(null);
        if (m == null) {
            throw new IllegalStateException(name + " has printed no ready line: call awaitReady() first");
        }
        return m;
    }

    public String name() {
        return name;
    }

    /** Where the node's output goes. */
    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The node JVM's process id, for signals such as {@code SIGSTOP}. */
    public long pid() {
        return process.pid();
    }

    /** Freezes the JVM with {@code SIGSTOP}, as a long garbage-collection pause would; see {@link #resume()}. */
    public void pause() {
        signal("STOP");
    }

    /** Wakes a {@link #pause() paused} JVM with {@code SIGCONT}. */
    public void resume() {
        signal("CONT");
    }

    /** Java signals only SIGTERM and SIGKILL itself: the others go through {@code kill}. */
    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes()).trim();
            if (!kill.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " (" + this + ") failed: "
                        + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name + " for " + this, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + name + " to " + this, e);
        }
    }

    /**
     * Waits at most {@code timeout} for the process to end on its own and returns its exit code.
     *
     * @throws IllegalStateException with the log's tail, when it still runs then
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(this + " still runs after " + timeout + "; its log ends:\n" + tail());
        }
        return process.exitValue();
    }

    /** {@code kill -9}: ends the process at once, without a clean leave, and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        boolean ended;
        try {
            ended = process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = !process.isAlive();
        }
        if (!ended) {
            throw new IllegalStateException(this + " still runs " + KILL_TIMEOUT + " after kill -9");
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
            if (process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }

    /** Stops every node, even when one fails to stop; rethrows the first failure. */
    static void closeAll(Collection<NodeProcess> nodes) {
        // SIGTERM to all first, so they leave together instead of one by one
        for (NodeProcess node : nodes) {
            if (node.process.isAlive()) {
                node.process.destroy();
            }
        }
        RuntimeException failure = null;
        for (NodeProcess node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
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
}
