package dev.canopy.node.bench;

import com.hazelcast.core.HazelcastInstance;
import dev.canopy.grid.Grid;
import dev.canopy.grid.GridClient;
import dev.canopy.grid.GridClientConfig;
import dev.canopy.node.FreePorts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Canopy nodes as separate JVM processes on 127.0.0.1 ({@code grid node} with a generated config),
 * and a client connected to them. Used by {@code bench --processes} and {@code chaos}. Every process
 * it starts, {@link #close()} stops.
 */
public final class NodeProcesses implements BenchCommand.Contenders {

    /** The opens Hazelcast documents for Java 17, also in the parent pom's {@code hazelcast.opens}. */
    private static final List<String> JVM_FLAGS = List.of("--add-modules", "java.se",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.management/sun.management=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final String clusterName = "canopy-procs-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Integer> ports;
    private final Path dir;
    private final String heap;
    private final List<Process> processes = new ArrayList<>();
    private final java.util.Map<Integer, UUID> members = new java.util.concurrent.ConcurrentHashMap<>();
    private GridClient client;

    private NodeProcesses(int count, String heap) {
        this.ports = FreePorts.find(count);
        this.heap = heap;
        try {
            this.dir = Files.createTempDirectory("canopy-nodes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code count} node processes and connects a client to them. */
    public static NodeProcesses start(int count, PrintStream log) {
        NodeProcesses nodes = new NodeProcesses(count, "-Xmx1g");
        try {
            List<CompletableFuture<String>> ready = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ready.add(nodes.startNode(i));
            }
            for (CompletableFuture<String> r : ready) {
                log.println("  " + r.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
            nodes.connect();
            nodes.awaitSafe();
            return nodes;
        } catch (Exception e) {
            nodes.close();
            throw new IllegalStateException("could not start " + count + " node processes: " + e.getMessage(), e);
        }
    }

    /** Starts (or restarts) node {@code i} on its port; the future completes with its ready line. */
    public CompletableFuture<String> startNode(int i) throws IOException {
        Path config = dir.resolve("node-" + i + ".yaml");
        StringBuilder yaml = new StringBuilder()
                .append("clusterName: ").append(clusterName).append('\n')
                .append("bindAddress: 127.0.0.1\n")
                .append("port: ").append(ports.get(i)).append('\n')
                .append("portAutoIncrement: false\n")
                .append("httpPort: 0\n")
                .append("members:\n");
        for (int port : ports) {
            yaml.append("  - 127.0.0.1:").append(port).append('\n');
        }
        Files.writeString(config, yaml);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(heap);
        command.addAll(JVM_FLAGS);
        command.add("-cp");
        command.add(nodeClassPath());
        command.add("dev.canopy.node.GridCommand");
        command.add("node");
        command.add("--config");
        command.add(config.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        synchronized (processes) {
            while (processes.size() <= i) {
                processes.add(null);
            }
            processes.set(i, process);
        }
        CompletableFuture<String> ready = new CompletableFuture<>();
        ready.thenAccept(line -> members.put(i, memberIn(line)));
        Thread reader = new Thread(() -> pump(process, dir.resolve("node-" + i + ".log"), ready), "node-" + i + "-output");
        reader.setDaemon(true);
        reader.start();
        return ready;
    }

    /**
     * This JVM's class path without Hazelcast's test jar, which test runs carry and which would make
     * a real member warn about a misconfigured class path.
     */
    private static String nodeClassPath() {
        StringBuilder path = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.matches(".*hazelcast-[^/\\\\]*-tests\\.jar")) {
                path.append(path.length() == 0 ? "" : java.io.File.pathSeparator).append(entry);
            }
        }
        return path.toString();
    }

    /** Copies a node's output to its log file and completes {@code ready} at its ready line. */
    private static void pump(Process process, Path log, CompletableFuture<String> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             var out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.newLine();
                out.flush();
                if (line.startsWith("canopy node ready:")) {
                    ready.complete(line);
                }
            }
            ready.completeExceptionally(new IllegalStateException("node exited with " + process.waitFor()
                    + " before it was ready; see " + log));
        } catch (IOException e) {
            ready.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready.completeExceptionally(e);
        }
    }

    private void connect() {
        List<String> members = new ArrayList<>();
        for (int port : ports) {
            members.add("127.0.0.1:" + port);
        }
        client = GridClient.connect(GridClientConfig.defaults().clusterName(clusterName).members(members));
    }

    /**
     * Waits, with a deadline, until every partition's backups are in sync: a member killed before
     * that may take the only copy of some records with it, which no grid survives.
     */
    public void awaitSafe() {
        awaitSafe(client.hazelcast(), READY_TIMEOUT);
    }

    /** {@link #awaitSafe()} for any member or client of a cluster. */
    public static void awaitSafe(HazelcastInstance hz, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (hz.getExecutorService("canopy.probe").submit(new Probes.ClusterSafe())
                        .get(10, TimeUnit.SECONDS)) {
                    return;
                }
            } catch (Exception e) {
                // a member may be leaving or joining; ask again
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                continue;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IllegalStateException("the cluster did not become safe (backups in sync) within "
                + timeout.toSeconds() + " s");
    }

    /** Kills node {@code i} at once, as {@code kill -9} would. */
    public void kill(int i) throws InterruptedException {
        Process p;
        synchronized (processes) {
            p = processes.get(i);
        }
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The member id node {@code i} printed in its ready line (its latest start). */
    public UUID memberId(int i) {
        return members.get(i);
    }

    /** The node index running member {@code member}, or -1. */
    public int indexOf(UUID member) {
        for (java.util.Map.Entry<Integer, UUID> e : members.entrySet()) {
            if (e.getValue().equals(member)) {
                return e.getKey();
            }
        }
        return -1;
    }

    public boolean isAlive(int i) {
        synchronized (processes) {
            return i < processes.size() && processes.get(i) != null && processes.get(i).isAlive();
        }
    }

    /** Where node {@code i} writes its output. */
    public Path log(int i) {
        return dir.resolve("node-" + i + ".log");
    }

    private static UUID memberIn(String readyLine) {
        // "canopy node ready: member <uuid> at <host:port> (cluster '<name>')"
        String[] words = readyLine.split("\\s+");
        for (int w = 0; w + 1 < words.length; w++) {
            if (words[w].equals("member")) {
                return UUID.fromString(words[w + 1]);
            }
        }
        throw new IllegalStateException("no member id in the ready line: " + readyLine);
    }

    public int size() {
        return ports.size();
    }

    public String clusterName() {
        return clusterName;
    }

    @Override
    public Grid grid() {
        return client;
    }

    @Override
    public HazelcastInstance hazelcast() {
        return client.hazelcast();
    }

    @Override
    public void close() {
        if (client != null) {
            try {
                client.close();
            } catch (RuntimeException e) {
                // the members may be gone already; the processes are stopped below either way
                client = null;
            }
        }
        List<Process> started;
        synchronized (processes) {
            started = new ArrayList<>(processes);
        }
        for (Process p : started) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : started) {
            try {
                if (p != null && !p.waitFor(45, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
