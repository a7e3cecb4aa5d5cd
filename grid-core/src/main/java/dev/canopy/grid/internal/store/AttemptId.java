package dev.canopy.grid.internal.store;

import java.io.Serializable;

/**
 * Which attempt of a sub-job a member works on. {@code plan} is the attempt of the parent driver
 * whose plan created the sub-job: a driver that is re-delegated plans its children again, and
 * the new children's records replace the old ones at the same paths, so a child of an older plan
 * can never commit into the new one. {@code run} counts re-assignments within one plan (a member
 * left, or an idle member stole the work). A commit or report is accepted only for the attempt
 * the record holds now.
 */
public record AttemptId(int plan, int run) implements Serializable {

    /** The first attempt of the children planned by a driver on its attempt {@code plan}. */
    public static AttemptId firstOf(int plan) {
        return new AttemptId(plan, 1);
    }

    public AttemptId next() {
        return new AttemptId(plan, run + 1);
    }

    /** True when a report of this attempt must be ignored by a driver that knows {@code current}. */
    public boolean isStaleAgainst(AttemptId current) {
        return plan != current.plan || run < current.run;
    }

    @Override
    public String toString() {
        return plan + "." + run;
    }
}
