package dev.canopy.node.lab;

import dev.canopy.node.process.NodeProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A small network of {@link Host}s made of Linux network namespaces, for tests of real node
 * processes across machines, with the faults real networks have.
 *
 * <p><b>Shape.</b> Every host is a namespace of its own with one veth link, {@code eth0}, holding
 * {@code 10.213.0.<n>/24}; the other end of each link is a port of a bridge that lives in a
 * namespace of its own too (the lab's "switch"). The links are created straight inside those
 * namespaces, so the machine's own namespace has no link, route or address of the lab, and nothing
 * in it can send to the lab's addresses: every process that talks to them, nodes and clients alike,
 * is started on a host ({@link Host#launcher()}). Names are {@code cnp<pid>x<random>-h1}, ...,
 * {@code -sw}: unique per lab, and they name the JVM that made them ({@link Namespaces}).
 *
 * <p><b>Faults</b>, all undone by {@link #heal()} or {@link #fastLinks()}, need {@code iptables-legacy}:
 * <ul>
 *   <li>{@link #partition} drops, on each host of one side, every packet that arrives from the other
 *       side: both directions are cut, and silently, as a broken switch does (a sender sees no error,
 *       only no answer);
 *   <li>{@link #slowLinks} gives every packet arriving at a host a loss chance ({@code statistic
 *       --mode random}) and a delay: the kernel has no {@code tc netem} here, so packets are queued to
 *       userspace ({@code NFQUEUE}) and released after the delay by {@code delayer.py}, one per host;
 *   <li>{@link #pause}/{@link #resume} send {@code SIGSTOP}/{@code SIGCONT} to a node's JVM, as a long
 *       GC pause would freeze it.
 * </ul>
 *
 * <p><b>Teardown.</b> {@link #close()} kills every process started here (by its pid), then any process
 * still inside the lab's namespaces, then deletes the namespaces, which removes the links, the
 * bridge and the rules. A JVM shutdown hook does the same if a test run is stopped, and a new lab
 * removes the namespaces of labs whose JVM is gone (its pid is in the names), never any other.
 *
 * <p>Every fault is written, with its time, to {@code events.log} in {@link #dir()}, beside the nodes'
 * and clients' logs. Needs root and {@code ip} (iproute2): see {@link #missing}. Meant for
 * one thread.
 *
 * <p><b>Two processes.</b> A process on one of the lab's hosts may {@link #attach} a lab that another
 * made and {@link #describe described}: {@code bin/grid chaos} makes its lab in the JVM it was started
 * in and runs its rounds, and their faults, from a JVM on a lab host.
 */
public final class Lab implements AutoCloseable {

    /** The private subnet of every lab: it exists only inside a lab's namespaces, so labs never clash. */
    static final String SUBNET = "10.213.0.";
    private static final String IPTABLES = "iptables-legacy";
    private static final String CUT = "CANOPY_CUT";
    private static final String SLOW = "CANOPY_SLOW";
    private static final String DELAYER = "delayer.py";
    private static final Duration HELPER_READY = Duration.ofSeconds(20);
    static final Duration HELPER_STOP = Duration.ofSeconds(10);

    private final String id;
    private final Path dir;
    private final String switchNamespace;
    private final List<Host> hosts = new ArrayList<>();
    /** Namespaces made so far, switch first, so that a failed create removes what it made. */
    private final List<String> namespaces = new ArrayList<>();
    private final List<NodeProcess> nodes = new CopyOnWriteArrayList<>();
    private final List<Process> helpers = new CopyOnWriteArrayList<>();
    private final List<Process> delayers = new CopyOnWriteArrayList<>();
    private final Set<Host> withFaultChains = new LinkedHashSet<>();
    private final Thread shutdownHook;
    /** False for a lab {@link #attach attached} from another process, which made it and will delete it. */
    private final boolean owner;
    private boolean closed;

    private Lab(Path dir) {
        this(Namespaces.newPrefix(), dir, true);
    }

    private Lab(String id, Path dir, boolean owner) {
        this.id = id;
        this.dir = owner ? dir.resolve(id) : dir;
        this.switchNamespace = id + "-sw";
        this.owner = owner;
        this.shutdownHook = new Thread(this::close, "teardown-of-" + id);
    }

    /** What a lab is asked to do, each needing more of the machine than the one before. */
    public enum Need {
        /** Hosts and links: Linux, root, {@code ip} (iproute2), and {@code ip netns add} working. */
        HOSTS,
        /** Hosts, and {@code iptables-legacy}, for {@link #partition partitions} and slow links. */
        FAULTS,
        /** Faults, and {@code python3}, which runs the delayer of {@link #slowLinks}. */
        SLOW_LINKS
    }

    /**
     * Why this machine cannot make a lab that does what {@code need} asks, in one line naming what
     * is missing and how to get it; null when it can.
     */
    public static String missing(Need need) {
        String missing = Namespaces.missing();
        if (missing != null || need == Need.HOSTS) {
            return missing;
        }
        if (Shell.tryRun(List.of(IPTABLES, "--version")).exitCode() != 0) {
            return "its faults need " + IPTABLES + ", which is not installed (Debian: apt-get install iptables;"
                    + " .ci/run installs it)";
        }
        if (need == Need.SLOW_LINKS && Shell.tryRun(List.of("python3", "--version")).exitCode() != 0) {
            return "slow links need python3 (it runs delayer.py), which is not installed";
        }
        return null;
    }

    /**
     * Makes a lab of {@code count} hosts, {@code h1} at {@code 10.213.0.1} to {@code h<count>}, all on
     * one switch, its files (logs, configurations) under {@code dir/<lab id>}. Call
     * {@link #missing} first.
     *
     * @throws IllegalStateException naming the command that failed; what was made is removed then
     */
    public static Lab create(int count, Path dir) {
        if (count < 1 || count > 200) {
            throw new IllegalArgumentException("a lab has 1 to 200 hosts, but " + count + " were asked for");
        }
        Lab lab = new Lab(dir);
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
        try {
            Files.createDirectories(lab.dir);
            lab.addNamespace(lab.switchNamespace);
            Shell.run("ip", "-n", lab.switchNamespace, "link", "add", "br0", "type", "bridge");
            Shell.run("ip", "-n", lab.switchNamespace, "link", "set", "br0", "up");
            for (int i = 1; i <= count; i++) {
                lab.addHost(i);
            }
            return lab;
        } catch (IOException e) {
            lab.close();
            throw new UncheckedIOException("cannot create the lab's directory " + lab.dir, e);
        } catch (RuntimeException e) {
            try {
                lab.close();
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /**
     * Writes what another process needs to {@link #attach} this lab, its id, directory and hosts, to
     * {@code <dir>/lab.txt}, and returns that file.
     */
    public Path describe() throws IOException {
        StringBuilder text = new StringBuilder("id ").append(id).append("\ndir ").append(dir.toAbsolutePath())
                .append('\n');
        for (Host host : hosts) {
            text.append("host ").append(host.name()).append(' ').append(host.namespace()).append(' ')
                    .append(host.address()).append('\n');
        }
        return Files.writeString(dir.resolve("lab.txt"), text);
    }

    /**
     * The lab another process made and {@link #describe described}, to start nodes on and fault from
     * here (a process on one of its hosts, say). {@link #close()} then stops what was started here and
     * undoes the faults made here, and leaves the namespaces to their maker.
     */
    public static Lab attach(Path description) throws IOException {
        String id = null;
        Path dir = null;
        List<Host> hosts = new ArrayList<>();
        for (String line : Files.readAllLines(description)) {
            String[] words = line.split(" ");
            switch (words[0]) {
                case "id" -> id = words[1];
                case "dir" -> dir = Path.of(words[1]);
                case "host" -> hosts.add(new Host(words[1], words[2], words[3]));
                default -> throw new IllegalArgumentException("unknown line '" + line + "' in " + description);
            }
        }
        if (id == null || dir == null || hosts.isEmpty()) {
            throw new IllegalArgumentException(description + " does not describe a lab: it needs an id, a dir and"
                    + " hosts, as Lab.describe() writes them");
        }
        Lab lab = new Lab(id, dir, false);
        lab.hosts.addAll(hosts);
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
        return lab;
    }

    private void addNamespace(String name) {
        Shell.run("ip", "netns", "add", name);
        namespaces.add(name);
    }

    private void addHost(int i) {
        Host host = new Host("h" + i, id + "-h" + i, SUBNET + i);
        addNamespace(host.namespace());
        // both ends made inside their namespaces: the machine's own namespace never holds a lab link
        Shell.run("ip", "link", "add", "eth0", "netns", host.namespace(), "type", "veth", "peer", "name", host.name(),
                "netns", switchNamespace);
        Shell.run("ip", "-n", switchNamespace, "link", "set", host.name(), "master", "br0", "up");
        Shell.run("ip", "-n", host.namespace(), "addr", "add", host.address() + "/24", "dev", "eth0");
        Shell.run("ip", "-n", host.namespace(), "link", "set", "eth0", "up");
        Shell.run("ip", "-n", host.namespace(), "link", "set", "lo", "up");
        hosts.add(host);
    }

    /** Host {@code h<n>}, counted from 1. */
    public Host host(int n) {
        return hosts.get(n - 1);
    }

    public List<Host> hosts() {
        return List.copyOf(hosts);
    }

    /** This lab's name, also the prefix of its namespaces. */
    public String id() {
        return id;
    }

    /** Where this lab's files go: logs, configurations, the key. */
    public Path dir() {
        return dir;
    }

    /**
     * Starts {@code grid node --config config} on {@code host} (see {@link NodeProcess}), its output
     * in {@code <dir>/<name>.log}; killed by {@link #close()}.
     */
    public NodeProcess startNode(Host host, String name, Path config, String maxHeap) throws IOException {
        return startNode(host, name, config, maxHeap, List.of());
    }

    /**
     * As {@link #startNode(Host, String, Path, String)}, with {@code jvmOptions} (such as Hazelcast's
     * {@code -Dhazelcast.merge.first.run.delay.seconds=10}) given to the JVM through
     * {@code JAVA_TOOL_OPTIONS}, set by {@code env}, which execs the JVM in its own process.
     */
    public NodeProcess startNode(Host host, String name, Path config, String maxHeap, List<String> jvmOptions)
            throws IOException {
        List<String> launcher = new ArrayList<>(host.launcher());
        if (!jvmOptions.isEmpty()) {
            launcher.addAll(List.of("env", "JAVA_TOOL_OPTIONS=" + String.join(" ", jvmOptions)));
        }
        NodeProcess node = NodeProcess.start(name, launcher, config, dir.resolve(name + ".log"), maxHeap);
        nodes.add(node);
        return node;
    }

    /** Starts {@code builder}'s command, which must run on a host of this lab; killed by {@link #close()}. */
    public Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        helpers.add(process);
        return process;
    }

    /**
     * Writes a new cluster key, made as the README says ({@code openssl rand -base64 32}) and readable
     * by its owner only, to {@code <dir>/cluster.key}, and returns that file.
     */
    public Path writeClusterKey() throws IOException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Path file = dir.resolve("cluster.key");
        Files.writeString(file, Base64.getEncoder().encodeToString(secret) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /**
     * Cuts {@code side} off from {@code other}, both ways: each host drops every packet arriving from
     * a host of the other group. Hosts in neither group still reach both. Adds to earlier cuts.
     */
    public void partition(Collection<Host> side, Collection<Host> other) {
        event("partition " + side + " from " + other);
        for (Host a : side) {
            for (Host b : other) {
                if (a.equals(b)) {
                    throw new IllegalArgumentException(a + " is on both sides of the partition");
                }
                cut(a, b);
                cut(b, a);
            }
        }
    }

    /** Drops on {@code host} every packet from {@code from}. */
    private void cut(Host host, Host from) {
        iptables(host, "-A", CUT, "-s", from.address(), "-j", "DROP");
    }

    /** Removes every cut made by {@link #partition}; slow links stay. */
    public void heal() {
        for (Host host : withFaultChains) {
            iptables(host, "-F", CUT);
        }
        event("healed");
    }

    /**
     * Delays every packet arriving at a host from the switch by {@code delay} and drops
     * {@code lossPercent} % of them at random, as {@code tc netem delay 20ms loss 1%} on every host
     * would. Replaces earlier slow links.
     */
    public void slowLinks(Duration delay, double lossPercent) throws IOException {
        if (delay.isNegative() || lossPercent < 0 || lossPercent >= 100) {
            throw new IllegalArgumentException("slow links need a delay >= 0 and a loss from 0 to 100 %, but were "
                    + delay + " and " + lossPercent + " %");
        }
        fastLinks();
        Path script = dir.resolve(DELAYER);
        try (InputStream in = Lab.class.getResourceAsStream(DELAYER)) {
            if (in == null) {
                throw new IllegalStateException(DELAYER + " is not on the class path next to " + Lab.class);
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        for (Host host : hosts) {
            Path log = dir.resolve("delayer-" + host.name() + ".log");
            Process delayer = new ProcessBuilder(host.command("python3", script.toString(), "0",
                    Long.toString(delay.toMillis()))).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            delayers.add(delayer);
            awaitLine(delayer, log, "delayer ready");
            iptables(host, "-A", SLOW, "-i", "eth0", "-m", "statistic", "--mode", "random", "--probability",
                    String.format(Locale.ROOT, "%.4f", lossPercent / 100), "-j", "DROP");
            // --queue-bypass: should the delayer be gone, packets pass rather than vanish
            iptables(host, "-A", SLOW, "-i", "eth0", "-j", "NFQUEUE", "--queue-num", "0", "--queue-bypass");
        }
        event("slow links: " + delay.toMillis() + " ms, " + lossPercent + " % loss");
    }

    /** Removes the delay and loss of {@link #slowLinks} and stops the delayers; cuts stay. */
    public void fastLinks() {
        for (Host host : withFaultChains) {
            iptables(host, "-F", SLOW);
        }
        stopAll(delayers);
        delayers.clear();
        event("fast links");
    }

    /** Freezes {@code node}'s JVM with {@code SIGSTOP}, as a long GC pause does; see {@link #resume}. */
    public void pause(NodeProcess node) {
        node.pause();
        event("paused " + node);
    }

    /** Wakes a {@link #pause paused} JVM with {@code SIGCONT}. */
    public void resume(NodeProcess node) {
        node.resume();
        event("resumed " + node);
    }

    /** Appends a timed line to {@code <dir>/events.log}, to read next to the nodes' logs. */
    private void event(String what) {
        try {
            Files.writeString(dir.resolve("events.log"), LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + what
                    + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + dir.resolve("events.log"), e);
        }
    }

    /** Runs {@code iptables-legacy} in {@code host}'s namespace, making the lab's two chains on first use. */
    private void iptables(Host host, String... arguments) {
        if (withFaultChains.add(host)) {
            for (String chain : List.of(CUT, SLOW)) {
                Shell.run(host.command(IPTABLES, "-w", "-N", chain));
                Shell.run(host.command(IPTABLES, "-w", "-A", "INPUT", "-j", chain));
            }
        }
        List<String> command = new ArrayList<>(List.of(IPTABLES, "-w"));
        command.addAll(List.of(arguments));
        Shell.run(host.command(command));
    }

    /** Waits, at most 20 s, until {@code process} has written {@code line} to {@code log}. */
    private static void awaitLine(Process process, Path log, String line) throws IOException {
        long deadline = System.nanoTime() + HELPER_READY.toNanos();
        while (!Files.readString(log).contains(line)) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("no '" + line + "' from " + process.info().commandLine().orElse("?")
                        + " within " + HELPER_READY + (process.isAlive() ? "" : " (it exited)") + "; " + log + ":\n"
                        + Files.readString(log));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * Kills every process started here, then whatever still runs in the lab's namespaces, and deletes
     * the namespaces (and with them the links, the bridge and every rule). Safe to call twice.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        // kill -9 works on a stopped JVM too; a clean leave is not what a teardown needs
        for (NodeProcess node : nodes) {
            collect(failures, node::kill);
        }
        stopAll(helpers);
        stopAll(delayers);
        if (!owner) {
            // the namespaces, and with them the rules, are the maker's; the faults made here are undone
            for (Host host : withFaultChains) {
                collect(failures, () -> {
                    iptables(host, "-F", CUT);
                    iptables(host, "-F", SLOW);
                });
            }
        }
        List<String> reversed = new ArrayList<>(namespaces);
        Collections.reverse(reversed);
        for (String namespace : reversed) {
            collect(failures, () -> {
                Namespaces.killProcessesIn(namespace);
                Shell.run("ip", "netns", "delete", namespace);
            });
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already: the hook runs or ran, and finds the lab closed
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static void collect(List<RuntimeException> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    private static void stopAll(List<Process> processes) {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        for (Process process : processes) {
            try {
                process.waitFor(HELPER_STOP.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "lab " + id + " of " + hosts.size() + " hosts";
    }
}
