package dev.canopy.grid.internal.store;

import com.hazelcast.aggregation.Aggregator;

import java.util.Map;

/**
 * Sums a job's sub-job records where they live, so reading progress ships a few numbers instead of
 * every record with its committed partial result.
 */
public final class ProgressAggregator implements Aggregator<Map.Entry<SubJobKey, SubJobRecord>, ProgressAggregator.Sums> {

    /** What {@link Progress} turns into a {@link dev.canopy.grid.JobProgress}. */
    public record Sums(long done, long retried, long running, long leafTasks, int depth, int leaves, int unsettled)
            implements java.io.Serializable {
    }

    private long done;
    private long retried;
    private long running;
    private long leafTasks;
    private int depth;
    private int leaves;
    private int unsettled;

    @Override
    public void accumulate(Map.Entry<SubJobKey, SubJobRecord> entry) {
        SubJobRecord s = ForeignEntries.valueOf(entry, SubJobRecord.class, GridMaps.SUBJOBS);
        if (s == null) {
            return;
        }
        depth = Math.max(depth, SubJobKey.depth(s.path()));
        if (!s.leaf()) {
            return;
        }
        leaves++;
        boolean retry = s.retry();
        long size = s.slice().size();
        leafTasks += retry ? 0 : size;
        retried += retry ? size : (long) s.reruns() * size;
        if (s.state() == SubJobState.DONE) {
            done += s.done();
        } else {
            unsettled++;
            running += s.state() == SubJobState.RUNNING ? size : 0;
        }
    }

    @Override
    public void combine(Aggregator aggregator) {
        ProgressAggregator other = (ProgressAggregator) aggregator;
        done += other.done;
        retried += other.retried;
        running += other.running;
        leafTasks += other.leafTasks;
        depth = Math.max(depth, other.depth);
        leaves += other.leaves;
        unsettled += other.unsettled;
    }

    @Override
    public Sums aggregate() {
        return new Sums(done, retried, running, leafTasks, depth, leaves, unsettled);
    }
}
