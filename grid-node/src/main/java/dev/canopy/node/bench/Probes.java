package dev.canopy.node.bench;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.canopy.grid.spi.EngineProbe;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;

/** Readings taken on a member (in its own JVM when members are processes), through the executor. */
final class Probes {

    private Probes() {
    }

    /** The engine's control-message counters: sent, received, bytes sent. */
    static final class Counters implements Callable<long[]>, Serializable, HazelcastInstanceAware {
        private transient HazelcastInstance hz;

        @Override
        public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
            this.hz = hazelcastInstance;
        }

        @Override
        public long[] call() {
            return EngineProbe.messageCounters(hz)
                    .map(c -> new long[] {c.sent(), c.received(), c.bytesSent()})
                    .orElseGet(() -> new long[3]);
        }
    }

    /**
     * Heap that is live right now: a full collection first, so garbage about to be collected does
     * not count. Used only by the scale run, whose timing is not compared with anything.
     */
    static final class LiveHeap implements Callable<long[]>, Serializable {
        @Override
        public long[] call() {
            System.gc();
            return new long[] {ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()};
        }
    }

    /** Whether every partition's backups are in sync on the member's cluster (no migration running). */
    static final class ClusterSafe implements Callable<Boolean>, Serializable, HazelcastInstanceAware {
        private transient HazelcastInstance hz;

        @Override
        public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
            this.hz = hazelcastInstance;
        }

        @Override
        public Boolean call() {
            return hz.getPartitionService().isClusterSafe();
        }
    }
}
