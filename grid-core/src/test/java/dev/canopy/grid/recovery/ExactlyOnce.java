package dev.canopy.grid.recovery;

import dev.canopy.grid.Reducer;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A reducer that proves every task was counted exactly once: each partial records the indices it
 * holds, and both {@link #accumulate} and {@link #combine} throw when an index comes in a second
 * time. A reducer that throws fails the job, so a double count fails the test loudly.
 *
 * <p>{@code combineParkMillis} makes every {@link #combine} (which only drivers call) park that long,
 * so a test can kill a member while drivers are reducing.
 */
public final class ExactlyOnce implements Reducer<Hit, Tally> {

    private final long combineParkMillis;

    public ExactlyOnce() {
        this(0);
    }

    public ExactlyOnce(long combineParkMillis) {
        this.combineParkMillis = combineParkMillis;
    }

    @Override
    public Tally identity() {
        return new Tally(0, 0, new BitSet(), new HashMap<>());
    }

    @Override
    public Tally accumulate(Tally acc, Hit hit) {
        int index = Math.toIntExact(hit.index());
        if (acc.seen().get(index)) {
            throw new IllegalStateException("task " + index + " counted twice (again on member " + hit.member() + ")");
        }
        acc.seen().set(index);
        acc.perMember().merge(hit.member(), 1L, Long::sum);
        return new Tally(acc.sum() + hit.value(), acc.count() + 1, acc.seen(), acc.perMember());
    }

    @Override
    public Tally combine(Tally left, Tally right) {
        if (combineParkMillis > 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(combineParkMillis));
        }
        if (left.seen().intersects(right.seen())) {
            BitSet twice = (BitSet) left.seen().clone();
            twice.and(right.seen());
            throw new IllegalStateException(twice.cardinality() + " task(s) counted twice, the first "
                    + twice.stream().limit(10).boxed().toList());
        }
        BitSet seen = (BitSet) left.seen().clone();
        seen.or(right.seen());
        Map<UUID, Long> perMember = new HashMap<>(left.perMember());
        right.perMember().forEach((member, n) -> perMember.merge(member, n, Long::sum));
        return new Tally(left.sum() + right.sum(), left.count() + right.count(), seen, perMember);
    }
}
