package dev.canopy.grid.internal.engine;

import dev.canopy.grid.internal.code.CodeSet;
import dev.canopy.grid.internal.code.CodeStore;
import dev.canopy.grid.internal.code.JobLoaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * Keeps the code jobs ship for as long as they need it, and not much longer. Once a minute, on the
 * engine's timer: the code of every job this member holds is marked used; code in the grid that no
 * job used within {@code codeTtl} is removed (each member removes what it owns, so together they
 * cover the grid); and class loaders no job has used for a while are closed.
 */
final class CodeUpkeep {

    private static final Logger LOG = LoggerFactory.getLogger(CodeUpkeep.class);
    static final long PERIOD_SECONDS = 60;

    private final LocalJobs jobs;
    private final CodeStore store;
    private final JobLoaders loaders;
    private final long ttlMillis;

    CodeUpkeep(LocalJobs jobs, CodeStore store, JobLoaders loaders, long ttlMillis) {
        this.jobs = jobs;
        this.store = store;
        this.loaders = loaders;
        this.ttlMillis = ttlMillis;
    }

    void run() {
        try {
            long now = System.currentTimeMillis();
            // jobs with the same code share one set: each is touched once
            Set<CodeSet> inUse = new HashSet<>();
            for (LocalJob job : jobs.all()) {
                if (job.codeSet != null) {
                    inUse.add(job.codeSet);
                }
            }
            for (CodeSet code : inUse) {
                store.touch(code, now);
            }
            int removed = store.expire(CodeStore.hashesOf(inUse), ttlMillis, now);
            int closed = loaders.sweep(now);
            if (removed + closed > 0) {
                LOG.debug("Removed {} shipped code entries unused for {} ms; closed {} idle job class loaders",
                        removed, ttlMillis, closed);
            }
        } catch (RuntimeException e) {
            // a failed pass is retried a minute later; it must not cancel the schedule
            LOG.debug("Code upkeep failed; trying again in {} s", PERIOD_SECONDS, e);
        }
    }
}
