package dev.canopy.grid;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.test.TestHazelcastFactory;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import com.hazelcast.test.TestHazelcastInstanceFactory;
import dev.canopy.grid.internal.access.AsyncCallbacks;
import dev.canopy.grid.internal.access.ClientBootstrap;
import dev.canopy.grid.internal.trust.SerialFilter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static dev.canopy.grid.Await.awaitTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The in-JVM cluster every cluster test runs on: members from Hazelcast's
 * {@link TestHazelcastInstanceFactory} (mock network, one JVM), each with a {@link GridNode}
 * attached, under a cluster name of their own, and {@link GridClient}s on the same network. It owns
 * what it starts: {@link #kill} and {@link #closeGracefully} take a member out, {@link #close()}
 * cancels the jobs still running, closes every client and every node still live and terminates
 * every instance.
 *
 * <p>Test bases hold one per test ({@link GridTestSupport}, {@code RecoveryTestSupport}, grid-node's
 * {@code StatusServerTestSupport}) and close it after the test. Waits are bounded ({@link Await}).
 */
public final class TestCluster implements AutoCloseable {

    /** How long {@link #kill} waits for the terminations it started. */
    private static final long KILL_SECONDS = 30;

    /** Hazelcast's factory of members and clients on one mock network. */
    private final TestHazelcastFactory factory = new TestHazelcastFactory();
    private final String clusterName;
    /** The member of every node started, oldest first; killed and closed ones stay here. */
    private final List<UUID> started = new CopyOnWriteArrayList<>();
    /** Keyed by member uuid, read once at start: a dead member can no longer tell its own. */
    private final Map<UUID, GridNode> byId = new ConcurrentHashMap<>();
    /** Members killed, or whose node was closed: they no longer take part. */
    private final Set<UUID> gone = ConcurrentHashMap.newKeySet();
    private final List<GridClient> clients = new CopyOnWriteArrayList<>();

    /** Members stand for nodes Canopy starts: they get its serialization filter, as {@code NodeBootstrap} gives it. */
    private final boolean asStartedNodes;

    /** True while this cluster holds Canopy's async-callback pool (see {@link #TestCluster(String, boolean)}). */
    private boolean tunesAsyncCallbacks;

    /**
     * A cluster named {@code namePrefix-<random uuid>}, so no two tests ever share one, whose
     * members stand for nodes Canopy starts itself: like {@code GridNode.start}, it takes Canopy's
     * JVM-wide async-callback pool until it closes.
     */
    public TestCluster(String namePrefix) {
        this(namePrefix, true);
    }

    /**
     * {@code asStartedNodes} false: the members stand for a service's own Hazelcast with nodes
     * attached, which leave JVM-wide settings alone.
     */
    public TestCluster(String namePrefix, boolean asStartedNodes) {
        this.clusterName = namePrefix + "-" + UUID.randomUUID();
        this.asStartedNodes = asStartedNodes;
        if (asStartedNodes) {
            AsyncCallbacks.acquire();
            tunesAsyncCallbacks = true;
        }
    }

    /**
     * A key every member and client of every test cluster gets unless the test sets its own: run the
     * suite with {@code -Dcanopy.test.clusterKey=<32 or more characters>} to check that everything
     * works with signing on, as it does without.
     */
    private static final String SUITE_KEY = System.getProperty("canopy.test.clusterKey");

    private static GridConfig withSuiteKey(GridConfig grid) {
        return SUITE_KEY == null || grid.hasClusterKey() ? grid : grid.copy().clusterKey(SUITE_KEY);
    }

    // ------------------------------------------------------------------------------------ members

    /**
     * A fresh Hazelcast configuration for one more member: this cluster's name, multicast off and
     * TCP/IP join on 127.0.0.1 (the mock network ignores the join settings; they keep a member off
     * the real network should a factory ever use it); for members that stand for nodes Canopy
     * starts, its Java serialization filter, so every test runs with what such a node refuses.
     */
    public Config memberConfig() {
        Config config = new Config().setClusterName(clusterName);
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
        if (asStartedNodes) {
            config.getSerializationConfig().setJavaSerializationFilterConfig(SerialFilter.hazelcastFilter(List.of()));
        }
        return config;
    }

    /** Starts one more member configured by {@link #memberConfig()}, with a node of {@code grid} attached. */
    public GridNode startMember(GridConfig grid) {
        return startMember(memberConfig(), grid);
    }

    /** Starts one more member configured by {@code member}, with a node of {@code grid} attached. */
    public GridNode startMember(Config member, GridConfig grid) {
        HazelcastInstance hz = factory.newHazelcastInstance(member);
        GridNode node = GridNode.attach(hz, withSuiteKey(grid));
        byId.put(node.memberId(), node);
        started.add(node.memberId());
        return node;
    }

    /**
     * Starts a plain Hazelcast member of this cluster, with no node attached: a stranger that knows
     * only the cluster's name. It is no node of this cluster's ({@link #liveNodes()} leaves it out,
     * so wait for sizes that count it yourself); {@link #close()} terminates it.
     */
    public HazelcastInstance startPlainMember() {
        return factory.newHazelcastInstance(memberConfig());
    }

    /**
     * Starts {@code members} members with {@code startMember}, waits until every live member sees
     * all of them and the partition table is stable, and returns the new nodes, oldest first.
     */
    public List<GridNode> start(int members, Supplier<GridNode> startMember) {
        List<GridNode> nodes = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            nodes.add(startMember.get());
        }
        awaitClusterSize(liveNodes().size());
        awaitClusterSafe();
        return nodes;
    }

    /**
     * Connects a client to this cluster, with {@code config}'s settings but this cluster's name. The
     * members it finds are those of the mock network, every member this cluster started, so
     * {@code config}'s member list is ignored: a client whose members all stopped finds those started
     * after, as a real one finds new members at its addresses.
     */
    public GridClient startClient(GridClientConfig config) {
        GridClientConfig ours = config.copy().clusterName(clusterName);
        if (SUITE_KEY != null && !config.hasClusterKey()) {
            ours.clusterKey(SUITE_KEY);
        }
        ClientConfig client = ClientBootstrap.clientConfig(ours);
        client.getNetworkConfig().setAddresses(new ArrayList<>());
        GridClient grid = GridClient.over(factory.newHazelcastClient(client), ours);
        clients.add(grid);
        return grid;
    }

    /**
     * A plain Hazelcast client of this cluster: no Canopy, no key and no serialization filter, a
     * stranger who knows only the cluster name. Terminated with the cluster.
     */
    public HazelcastInstance startStrangerClient() {
        return factory.newHazelcastClient(new ClientConfig().setClusterName(clusterName));
    }

    /** This cluster's name, which {@link #startClient} clients connect to. */
    public String clusterName() {
        return clusterName;
    }

    /** Every node started, oldest first, killed and closed ones included. */
    public List<GridNode> nodes() {
        return started.stream().map(byId::get).toList();
    }

    /** Nodes neither killed nor closed, oldest first. */
    public List<GridNode> liveNodes() {
        return started.stream().filter(m -> !gone.contains(m)).map(byId::get).toList();
    }

    public GridNode node(UUID member) {
        GridNode node = byId.get(member);
        if (node == null) {
            fail("no node for member " + member + " in cluster " + clusterName);
        }
        return node;
    }

    public boolean isLive(UUID member) {
        return byId.containsKey(member) && !gone.contains(member);
    }

    /** The uuids of the cluster's members, as the oldest live member sees them. */
    public Set<UUID> memberUuids() {
        return anyLive().hazelcast().getCluster().getMembers().stream()
                .map(m -> m.getUuid())
                .collect(Collectors.toSet());
    }

    /** The member that owns {@code key}'s partition now. */
    public UUID ownerOf(Object key) {
        return anyLive().hazelcast().getPartitionService().getPartition(key).getOwner().getUuid();
    }

    private GridNode anyLive() {
        List<GridNode> live = liveNodes();
        if (live.isEmpty()) {
            fail("no live member left in cluster " + clusterName);
        }
        return live.get(0);
    }

    // -------------------------------------------------------------------------------------- waits

    public void awaitClusterSize(int expected) {
        awaitTrue("every live member to see a cluster of " + expected, () -> liveNodes().stream()
                .allMatch(n -> n.hazelcast().getCluster().getMembers().size() == expected));
    }

    /**
     * Assigns the partitions (first access does) and waits until no migration is running and backups
     * are in sync, so that a partition's owner read by a test is the owner the grid used.
     */
    public void awaitClusterSafe() {
        for (GridNode node : liveNodes()) {
            for (Partition partition : node.hazelcast().getPartitionService().getPartitions()) {
                partition.getOwner();
            }
        }
        awaitTrue("the cluster to be safe (no migrations)", () -> liveNodes().stream()
                .allMatch(n -> n.hazelcast().getPartitionService().isClusterSafe()));
    }

    // ---------------------------------------------------------------------------- taking members out

    /**
     * Kills the members at once, each terminated on its own thread, as a crash would. The killed
     * nodes' engines are then stopped as far as a dead member allows, so their threads do not run on.
     */
    public void kill(UUID... victims) {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> killers = new ArrayList<>();
        for (UUID victim : victims) {
            GridNode node = node(victim);
            gone.add(victim);
            Thread killer = new Thread(() -> {
                try {
                    go.await();
                    node.hazelcast().getLifecycleService().terminate();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "kill-" + victim);
            killer.start();
            killers.add(killer);
        }
        go.countDown();
        awaitKillers(killers, victims);
        for (UUID victim : victims) {
            try {
                node(victim).close();
            } catch (RuntimeException expected) {
                // its Hazelcast is dead, so closing fails part-way; a crashed process would not run on
                // at all, here the dead member's worker threads may finish their current leaf, whose
                // commit then fails
            }
        }
    }

    private static void awaitKillers(List<Thread> killers, UUID... victims) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(KILL_SECONDS);
        for (Thread killer : killers) {
            try {
                killer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while killing " + List.of(victims), e);
            }
            if (killer.isAlive()) {
                fail(killer.getName() + " did not finish terminating its member within " + KILL_SECONDS + " s");
            }
        }
    }

    /** Closes the node of {@code member} gracefully; its Hazelcast member keeps running. */
    public void closeGracefully(UUID member) {
        GridNode node = node(member);
        gone.add(member);
        node.close();
    }

    // ----------------------------------------------------------------------------------- teardown

    /**
     * Cancels the jobs still running, closes the live nodes, youngest first, and terminates every
     * instance. A failure on the way is printed, not thrown: the instances are terminated regardless.
     */
    @Override
    public void close() {
        try {
            for (GridClient client : clients) {
                try {
                    client.close();
                } catch (RuntimeException e) {
                    System.err.println("closing a client failed: " + e);
                }
            }
            cancelUnfinishedJobs();
            List<GridNode> live = new ArrayList<>(liveNodes());
            Collections.reverse(live);
            for (GridNode node : live) {
                try {
                    node.close();
                } catch (RuntimeException e) {
                    System.err.println("closing " + node + " failed: " + e);
                }
            }
        } finally {
            clients.clear();
            started.clear();
            byId.clear();
            gone.clear();
            factory.terminateAll();
            if (tunesAsyncCallbacks) {
                tunesAsyncCallbacks = false;
                AsyncCallbacks.release();
            }
        }
    }

    /** So that closing does not wait on work nobody reads any more. */
    private void cancelUnfinishedJobs() {
        List<GridNode> live = liveNodes();
        if (live.isEmpty()) {
            return;
        }
        try {
            GridNode any = live.get(0);
            for (JobInfo info : any.jobs()) {
                if (!info.state().isTerminal()) {
                    any.job(info.id()).ifPresent(JobHandle::cancel);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("cancelling unfinished jobs failed: " + e);
        }
    }

    @Override
    public String toString() {
        return "TestCluster " + clusterName + " (" + liveNodes().size() + " live of " + started.size() + ")";
    }
}
