package dev.canopy.grid;


import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/** Ready-made {@link Reducer}s. Each returned reducer is serializable. */
public final class Reducers {

    private Reducers() {
    }

    /** A serializable {@link BinaryOperator}, for merge and combine functions. */
    @FunctionalInterface
    public interface SerializableBinaryOperator<V> extends BinaryOperator<V>, Serializable {
    }

    /** A serializable {@link Supplier}, for identities. */
    @FunctionalInterface
    public interface SerializableSupplier<V> extends Supplier<V>, Serializable {
    }

    /** Accumulates with {@code accumulator}; partials merge with {@code combiner}. */
    @FunctionalInterface
    public interface Accumulator<R, T> extends Serializable {
        R apply(R acc, T value);
    }

    /** Sum of the tasks' numbers, as a long. */
    public static <T extends Number> LongReducer<T> sumLong() {
        return new SumLong<>();
    }

    /** Number of tasks that succeeded. */
    public static <T> LongReducer<T> count() {
        return new Count<>();
    }

    /** All results, in task order. */
    public static <T> Reducer<T, List<T>> toList() {
        return new ToList<>();
    }

    /** The smallest result by {@code comparator}, or null for a job with no results. Null results are skipped. */
    public static <T, C extends Comparator<? super T> & Serializable> Reducer<T, T> min(C comparator) {
        return new Extreme<>(comparator, -1);
    }

    /** The largest result by {@code comparator}, or null for a job with no results. Null results are skipped. */
    public static <T, C extends Comparator<? super T> & Serializable> Reducer<T, T> max(C comparator) {
        return new Extreme<>(comparator, 1);
    }

    /** The smallest of comparable results, or null for a job with no results. */
    public static <T extends Comparable<? super T>> Reducer<T, T> min() {
        return new Extreme<T>(NaturalOrder.INSTANCE, -1);
    }

    /** The largest of comparable results, or null for a job with no results. */
    public static <T extends Comparable<? super T>> Reducer<T, T> max() {
        return new Extreme<T>(NaturalOrder.INSTANCE, 1);
    }

    /**
     * Merges the maps the tasks return into one map; values under the same key merge with
     * {@code merge} (for counts: {@code Long::sum}).
     */
    public static <K, V> Reducer<Map<K, V>, Map<K, V>> toMap(SerializableBinaryOperator<V> merge) {
        return new ToMap<>(Objects.requireNonNull(merge, "merge"));
    }

    /** A reducer from three functions, like {@code Stream.reduce(identity, accumulator, combiner)}. */
    public static <T, R> Reducer<T, R> of(SerializableSupplier<R> identity, Accumulator<R, T> accumulator,
                                          SerializableBinaryOperator<R> combiner) {
        return new Functional<>(Objects.requireNonNull(identity, "identity"),
                Objects.requireNonNull(accumulator, "accumulator"), Objects.requireNonNull(combiner, "combiner"));
    }

    private static final class SumLong<T extends Number> implements LongReducer<T> {
        @Override public long accumulateLong(long acc, T value) { return acc + value.longValue(); }
        @Override public long accumulateLong(long acc, long value) { return acc + value; }
        @Override public Long identity() { return 0L; }
        @Override public Long accumulate(Long acc, T value) { return acc + value.longValue(); }
        @Override public Long combine(Long left, Long right) { return left + right; }
    }

    private static final class Count<T> implements LongReducer<T> {
        @Override public long accumulateLong(long acc, T value) { return acc + 1; }
        @Override public long accumulateLong(long acc, long value) { return acc + 1; }
        @Override public Long identity() { return 0L; }
        @Override public Long accumulate(Long acc, T value) { return acc + 1; }
        @Override public Long combine(Long left, Long right) { return left + right; }
    }

    private static final class ToList<T> implements Reducer<T, List<T>> {
        @Override public List<T> identity() { return new ArrayList<>(); }
        @Override public List<T> accumulate(List<T> acc, T value) { acc.add(value); return acc; }
        @Override public List<T> combine(List<T> left, List<T> right) {
            if (left.isEmpty()) {
                return right;
            }
            left.addAll(right);
            return left;
        }
    }

    private enum NaturalOrder implements Comparator<Comparable<Object>>, Serializable {
        INSTANCE;

        @Override
        public int compare(Comparable<Object> a, Comparable<Object> b) {
            return a.compareTo(b);
        }
    }

    private static final class Extreme<T> implements Reducer<T, T> {
        private final Comparator<? super T> comparator;
        private final int sign;

        @SuppressWarnings("unchecked")
        Extreme(Comparator<?> comparator, int sign) {
            this.comparator = (Comparator<? super T>) Objects.requireNonNull(comparator, "comparator");
            this.sign = sign;
        }

        @Override public T identity() { return null; }
        @Override public T accumulate(T acc, T value) { return combine(acc, value); }
        @Override public T combine(T left, T right) {
            if (left == null) {
                return right;
            }
            if (right == null) {
                return left;
            }
            return Integer.signum(comparator.compare(right, left)) == sign ? right : left;
        }
    }

    private static final class ToMap<K, V> implements Reducer<Map<K, V>, Map<K, V>> {
        private final SerializableBinaryOperator<V> merge;

        ToMap(SerializableBinaryOperator<V> merge) {
            this.merge = merge;
        }

        @Override public Map<K, V> identity() { return new HashMap<>(); }
        @Override public Map<K, V> accumulate(Map<K, V> acc, Map<K, V> value) { return combine(acc, value); }
        @Override public Map<K, V> combine(Map<K, V> left, Map<K, V> right) {
            if (right == null) {
                return left;
            }
            for (Map.Entry<K, V> e : right.entrySet()) {
                left.merge(e.getKey(), e.getValue(), merge);
            }
            return left;
        }
    }

    private static final class Functional<T, R> implements Reducer<T, R> {
        private final SerializableSupplier<R> identity;
        private final Accumulator<R, T> accumulator;
        private final SerializableBinaryOperator<R> combiner;

        Functional(SerializableSupplier<R> identity, Accumulator<R, T> accumulator, SerializableBinaryOperator<R> combiner) {
            this.identity = identity;
            this.accumulator = accumulator;
            this.combiner = combiner;
        }

        @Override public R identity() { return identity.get(); }
        @Override public R accumulate(R acc, T value) { return accumulator.apply(acc, value); }
        @Override public R combine(R left, R right) { return combiner.apply(left, right); }
    }
}
