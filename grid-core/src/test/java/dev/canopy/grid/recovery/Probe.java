package dev.canopy.grid.recovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the tasks of one test run saw, in this JVM (every member of an in-JVM cluster shares it):
 * how often each index ran, the member of its last run, and runs per member. It also tells the
 * tasks which member is slow.
 */
public final class Probe {

    /** The longest a held task run waits for {@link #release()}. */
    static final long HOLD_SECONDS = 30;

    private final AtomicIntegerArray runs;
    private final AtomicReferenceArray<UUID> lastRanOn;
    private final Map<UUID, LongAdder> runsPerMember = new ConcurrentHashMap<>();
    private volatile UUID slowMember;
    private volatile int slowFactor = 1;
    private volatile long held = -1;
    private final AtomicReference<UUID> heldOn = new AtomicReference<>();
    private final CountDownLatch release = new CountDownLatch(1);

    Probe(int tasks) {
        this.runs = new AtomicIntegerArray(tasks);
        this.lastRanOn = new AtomicReferenceArray<>(tasks);
    }

    void ran(long index, UUID member) {
        runs.incrementAndGet((int) index);
        lastRanOn.set((int) index, member);
        runsPerMember.computeIfAbsent(member, m -> new LongAdder()).increment();
    }

    /** Tasks on {@code member} park {@code factor} times as long as on the others. */
    public void slowDown(UUID member, int factor) {
        this.slowFactor = factor;
        this.slowMember = member;
    }

    long parkFactor(UUID member) {
        return member.equals(slowMember) ? slowFactor : 1;
    }

    /**
     * The first run of task {@code index} waits (at most {@value #HOLD_SECONDS} s) until
     * {@link #release()}; later runs do not.
     */
    public void holdFirstRun(long index) {
        this.held = index;
    }

    /** The member whose run of the held task is waiting, or null while none is. */
    public UUID heldOn() {
        return heldOn.get();
    }

    public void release() {
        release.countDown();
    }

    void holdIfFirst(long index, UUID member) {
        if (index != held || !heldOn.compareAndSet(null, member)) {
            return;
        }
        try {
            release.await(HOLD_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs of {@code index}, on any member. */
    public int runs(long index) {
        return runs.get((int) index);
    }

    /** The member of the latest run of {@code index}, or null. */
    public UUID lastRanOn(long index) {
        return lastRanOn.get((int) index);
    }

    /** Task runs on {@code member}, all indices together. */
    public long runsOn(UUID member) {
        LongAdder n = runsPerMember.get(member);
        return n == null ? 0 : n.sum();
    }

    /** Up to {@code limit} indices that ran more than once. */
    public List<Integer> ranMoreThanOnce(int limit) {
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < runs.length() && found.size() < limit; i++) {
            if (runs.get(i) > 1) {
                found.add(i);
            }
        }
        return found;
    }
}
