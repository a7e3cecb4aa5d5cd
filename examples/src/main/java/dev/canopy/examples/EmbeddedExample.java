package dev.canopy.examples;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.canopy.grid.Grid;
import dev.canopy.grid.GridConfig;
import dev.canopy.grid.GridNode;
import dev.canopy.grid.Job;
import dev.canopy.grid.Reducers;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * How a service that already runs Hazelcast adds Canopy: attach, submit, close.
 *
 * <pre>{@code
 * HazelcastInstance hz = Hazelcast.newHazelcastInstance(config);   // the service's own member
 * try (GridNode grid = GridNode.attach(hz, GridConfig.defaults())) {
 *     long total = grid.submit(Job.keyed("embedded.orders", ids, (id, cents, ctx) -> cents)
 *             .reduce(Reducers.sumLong()).build()).result().get(1, TimeUnit.MINUTES);
 * }                                                                  // hz keeps running
 * }</pre>
 *
 * <p>The example plays the service: it starts its own Hazelcast member (loopback only, multicast
 * off, TCP/IP join on 127.0.0.1, port 5701 or the next free one, a cluster name of its own so it
 * joins nothing else), stores {@value #ORDERS} orders in its own IMap {@value #MAP} (order id to
 * amount in cents), then attaches a {@link GridNode} and runs a {@link Job#keyed keyed} job that
 * sums the amounts of every third order, each task on the member that owns the order. It closes
 * the GridNode, shows that the service's Hazelcast still runs, and shuts Hazelcast down.
 *
 * <p>It ignores the grid it is given (it may be null): the point is the service's own member. The
 * check: the grid's total equals the service's own sum of the same orders, and Hazelcast still
 * runs after the GridNode is closed.
 */
public final class EmbeddedExample implements Example {

    /** The service's map: order id to amount in cents. */
    static final String MAP = "embedded.orders";
    static final int ORDERS = 10_000;
    static final String CLUSTER_PREFIX = "canopy-embedded-";

    private final String clusterName;

    /** An example that names its member's cluster {@value #CLUSTER_PREFIX} plus a random id, on each run. */
    public EmbeddedExample() {
        this(null);
    }

    /** An example whose member joins the cluster {@code clusterName}; null for a random one per run. */
    EmbeddedExample(String clusterName) {
        this.clusterName = clusterName;
    }

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public String description() {
        return "A service adds Canopy to the Hazelcast member it runs: attach, run a keyed job, close"
                + " (starts its own member; ignores the given grid)";
    }

    /** The configuration of the service's member: loopback, no multicast, TCP/IP join on 127.0.0.1. */
    static Config serviceConfig(String clusterName) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(5701).setPortAutoIncrement(true);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
        return config;
    }

    /** The service's orders: order id (1..{@value #ORDERS}) to an amount between 1.00 and 500.00, in cents. */
    static Map<Integer, Long> orders() {
        SplittableRandom random = new SplittableRandom(42);
        Map<Integer, Long> orders = new HashMap<>();
        for (int id = 1; id <= ORDERS; id++) {
            orders.put(id, random.nextLong(100, 50_001));
        }
        return orders;
    }

    /** The job: one task per order id, run where the order lives, returning its amount; the result is their sum. */
    static Job<Long, Long> totalOf(List<Integer> orderIds) {
        return Job.<Integer, Long, Long>keyed(MAP, orderIds, (id, cents, ctx) -> cents == null ? 0L : cents)
                .reduce(Reducers.sumLong())
                .name("embedded-order-total")
                .build();
    }

    @Override
    public Result run(Grid ignored, List<String> args, PrintStream out) throws Exception {
        Args.parse(name(), args, Set.of());
        String cluster = clusterName != null ? clusterName : CLUSTER_PREFIX + UUID.randomUUID();

        // the service: its own member and its own data
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(serviceConfig(cluster));
        try {
            out.printf("embedded: the service's Hazelcast member %s runs in cluster %s%n",
                    hz.getCluster().getLocalMember().getAddress(), cluster);
            Map<Integer, Long> orders = orders();
            IMap<Integer, Long> map = hz.getMap(MAP);
            map.putAll(orders);
            List<Integer> everyThird = new ArrayList<>();
            long expected = 0;
            for (int id = 3; id <= ORDERS; id += 3) {
                everyThird.add(id);
                expected += orders.get(id);
            }
            out.printf("embedded: stored %,d orders in IMap %s%n", map.size(), MAP);

            // adding Canopy: attach to the running member, submit, close
            long total;
            try (GridNode grid = GridNode.attach(hz, GridConfig.defaults())) {
                total = Jobs.await(grid.submit(totalOf(everyThird)));
            }
            boolean stillRunning = hz.getLifecycleService().isRunning();
            out.printf("embedded: the grid summed %,d orders to %,d cents; the service's own sum is %,d%n",
                    everyThird.size(), total, expected);
            out.printf("embedded: after GridNode.close() the service's Hazelcast is %s%n",
                    stillRunning ? "still running" : "NOT running");

            boolean ok = total == expected && stillRunning;
            String summary = String.format("keyed job over %,d orders: %,d cents (expected %,d); Hazelcast %s after"
                    + " the GridNode closed", everyThird.size(), total, expected,
                    stillRunning ? "still running" : "NOT running");
            out.println(ok ? "OK: " + summary : "FAILED: " + summary);
            return new Result(ok, summary);
        } finally {
            hz.shutdown();
        }
    }
}
