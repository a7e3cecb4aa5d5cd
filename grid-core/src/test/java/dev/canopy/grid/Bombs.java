package dev.canopy.grid;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;

/**
 * Values that are cheap to build and to serialize but ruinous to deserialize, and a legitimate deep
 * value to set them against. Static, so task lambdas that call them capture nothing.
 */
public final class Bombs {

    private Bombs() {
    }

    /**
     * The classic deserialization bomb ("SerialDOS"): sets nested {@code levels} deep, each level's
     * two sets holding both sets of the next. Built and written in microseconds (a set is hashed when
     * added, while still nearly empty), but reading it hashes each level twice per level above it:
     * about {@code 2^levels} steps. A hundred levels are about 3.5 KB.
     */
    public static Set<Object> nestedSets(int levels) {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < levels; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("foo"); // so that t1 and t2 differ
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return root;
    }

    /** A chain of {@code length} links, each holding the next: a user's value nested {@code length} deep. */
    public static Link chain(int length) {
        Link head = null;
        for (int i = length; i >= 1; i--) {
            head = new Link(i, head);
        }
        return head;
    }

    /** One link of a {@link #chain}. */
    public record Link(int value, Link next) implements Serializable {

        /** The sum of the values from this link to the end, walked without recursion. */
        public long sum() {
            long sum = 0;
            for (Link l = this; l != null; l = l.next) {
                sum += l.value;
            }
            return sum;
        }
    }
}
