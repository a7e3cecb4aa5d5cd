package dev.canopy.grid.recovery;

import dev.canopy.grid.TaskContext;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The task body of the recovery tests, static so that task lambdas capture only their own
 * serializable arguments (a run id and a duration), never the test instance.
 */
public final class RecoveryTasks {

    private static final ConcurrentHashMap<String, Probe> PROBES = new ConcurrentHashMap<>();

    private RecoveryTasks() {
    }

    /** A fresh probe for the run {@code run} of {@code tasks} tasks. */
    public static Probe newProbe(String run, int tasks) {
        Probe probe = new Probe(tasks);
        PROBES.put(run, probe);
        return probe;
    }

    public static void forget(String run) {
        PROBES.remove(run);
    }

    /**
     * Records the run of task {@code index} in the run's probe, waits when the probe holds this run,
     * parks {@code parkMicros} (times the probe's factor on a slow member) and returns a {@link Hit}
     * worth {@code index}.
     */
    public static Hit work(String run, long index, long parkMicros, TaskContext ctx) {
        UUID member = ctx.hazelcast().getCluster().getLocalMember().getUuid();
        Probe probe = PROBES.get(run);
        long factor = 1;
        if (probe != null) {
            probe.ran(index, member);
            factor = probe.parkFactor(member);
            probe.holdIfFirst(index, member);
        }
        if (parkMicros > 0) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(parkMicros * factor));
        }
        return new Hit(index, index, member);
    }
}
