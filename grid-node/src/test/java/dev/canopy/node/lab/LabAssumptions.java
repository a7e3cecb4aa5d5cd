package dev.canopy.node.lab;

import org.junit.jupiter.api.Assumptions;

/** Skips a lab test, with one line naming what is missing, where this machine cannot make its lab. */
final class LabAssumptions {

    private LabAssumptions() {
    }

    /** Hosts and links: Linux, root, {@code ip}, and {@code ip netns add} working. */
    static void assumeAvailable() {
        assume(Lab.Need.HOSTS);
    }

    /** Hosts, and {@code iptables-legacy} for partitions. */
    static void assumeFaults() {
        assume(Lab.Need.FAULTS);
    }

    /** Faults, and {@code python3} for slow links. */
    static void assumeSlowLinks() {
        assume(Lab.Need.SLOW_LINKS);
    }

    private static void assume(Lab.Need need) {
        String missing = Lab.missing(need);
        Assumptions.assumeTrue(missing == null, () -> "network lab skipped: " + missing);
    }
}
