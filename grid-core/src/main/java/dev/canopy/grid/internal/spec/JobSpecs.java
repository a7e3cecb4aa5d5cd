package dev.canopy.grid.internal.spec;

import java.util.function.Function;

/**
 * The spec of a {@code Job} object, for the one internal caller that is handed a job rather than
 * a spec: a graph's driver, whose stage factories return jobs. {@code Job} keeps its spec
 * package-private (the API shows no internals), so it registers how to read it here when it is
 * initialized, as the JDK's "shared secrets" do; any {@code Job} object's existence implies that.
 */
public final class JobSpecs {

    private static volatile Function<Object, JobSpec<?, ?>> reader;

    private JobSpecs() {
    }

    /** Called once, by {@code Job}'s static initializer. */
    public static void register(Function<Object, JobSpec<?, ?>> specOfJob) {
        if (reader == null) {
            reader = specOfJob;
        }
    }

    /** The spec of {@code job}, a {@code dev.canopy.grid.Job}. */
    public static JobSpec<?, ?> of(Object job) {
        return reader.apply(job);
    }
}
