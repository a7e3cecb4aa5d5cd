package com.acme;

import java.io.Serializable;

/** How many primes a range holds, and the largest: a result type of the app's own, unknown to the nodes. */
public record PrimeStats(long count, long largest) implements Serializable {

    static final PrimeStats NONE = new PrimeStats(0, 0);

    PrimeStats with(long prime) {
        return new PrimeStats(count + 1, Math.max(largest, prime));
    }

    PrimeStats plus(PrimeStats other) {
        return new PrimeStats(count + other.count, Math.max(largest, other.largest));
    }
}
