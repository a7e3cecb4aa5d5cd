package com.acme;

import dev.canopy.grid.Reducer;

/** Folds primes (and -1 for a number that is not one) into {@link PrimeStats}. Associative, as Canopy needs. */
public final class PrimeStatsReducer implements Reducer<Long, PrimeStats> {

    @Override
    public PrimeStats identity() {
        return PrimeStats.NONE;
    }

    @Override
    public PrimeStats accumulate(PrimeStats acc, Long value) {
        return value < 0 ? acc : acc.with(value);
    }

    @Override
    public PrimeStats combine(PrimeStats left, PrimeStats right) {
        return left.plus(right);
    }
}
