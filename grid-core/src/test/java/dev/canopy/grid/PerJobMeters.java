package dev.canopy.grid;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Set;
import java.util.TreeSet;

/** What the per-job meters of a registry are, as "meter name/job", for the metrics tests to compare. */
public final class PerJobMeters {

    /** The meters every tagged job name (and {@code other}) has. */
    public static final Set<String> NAMES = Set.of("canopy.tasks.completed", "canopy.tasks.failed",
            "canopy.tasks.retried", "canopy.task.duration");

    private PerJobMeters() {
    }

    /** Every meter of {@code registry} with a {@code job} tag, as "meter name/job". */
    public static Set<String> in(MeterRegistry registry) {
        Set<String> found = new TreeSet<>();
        for (Meter m : registry.getMeters()) {
            if (m.getId().getTag("job") != null) {
                found.add(m.getId().getName() + "/" + m.getId().getTag("job"));
            }
        }
        return found;
    }

    /** Every per-job meter of each of {@code jobs}, as "meter name/job". */
    public static Set<String> of(String... jobs) {
        Set<String> expected = new TreeSet<>();
        for (String job : jobs) {
            for (String meter : NAMES) {
                expected.add(meter + "/" + job);
            }
        }
        return expected;
    }
}
