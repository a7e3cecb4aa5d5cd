package dev.canopy.grid;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The ready-made reducers, called directly as the engine calls them. No cluster needed. */
class ReducersTest {

    private static <T, R> R reduceInTwoHalves(Reducer<T, R> reducer, List<T> values) {
        int half = values.size() / 2;
        R left = reducer.identity();
        for (T v : values.subList(0, half)) {
            left = reducer.accumulate(left, v);
        }
        R right = reducer.identity();
        for (T v : values.subList(half, values.size())) {
            right = reducer.accumulate(right, v);
        }
        return reducer.combine(left, right);
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void whenPartialsAreCombined_thenToListKeepsTaskOrder() {
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            values.add(i);
        }
        assertEquals(values, reduceInTwoHalves(Reducers.<Integer>toList(), values));
    }

    @Test
    void whenIdentityIsCalledTwice_thenEachCallIsFresh() {
        Reducer<Integer, List<Integer>> toList = Reducers.toList();
        assertNotSame(toList.identity(), toList.identity());
    }

    @Test
    void whenNoResults_thenMinAndMaxAreNullAndNullsAreSkipped() {
        Reducer<Integer, Integer> max = Reducers.<Integer>max();
        assertNull(max.identity());
        assertEquals(9, max.combine(max.accumulate(max.identity(), 9), null));
        Reducer<Integer, Integer> min = Reducers.<Integer>min();
        assertEquals(2, reduceInTwoHalves(min, List.of(5, 2, 8, 3)));
    }

    @Test
    void whenCountsMerge_thenToMapAddsThem() {
        Reducer<Map<String, Long>, Map<String, Long>> toMap = Reducers.<String, Long>toMap(Long::sum);
        Map<String, Long> merged = reduceInTwoHalves(toMap,
                List.of(Map.of("a", 1L), Map.of("b", 2L), Map.of("a", 3L), Map.of("b", 4L, "c", 5L)));
        assertEquals(Map.of("a", 4L, "b", 6L, "c", 5L), merged);
    }

    @Test
    void whenReducersAreSerialized_thenTheyStillWork() throws Exception {
        assertEquals(10L, reduceInTwoHalves(roundTrip(Reducers.<Integer>sumLong()), List.of(1, 2, 3, 4)));
        assertEquals(4L, reduceInTwoHalves(roundTrip(Reducers.<String>count()), List.of("a", "b", "c", "d")));
        assertEquals(4, reduceInTwoHalves(roundTrip(Reducers.<Integer>max()), List.of(1, 4, 3)));
        Reducer<Long, Long> product = roundTrip(Reducers.<Long, Long>of(() -> 1L, (acc, v) -> acc * v, (a, b) -> a * b));
        assertEquals(120L, reduceInTwoHalves(product, List.of(1L, 2L, 3L, 4L, 5L)));
    }

    /**
     * combine(combine(a, b), c) equals combine(a, combine(b, c)) for partials a, b, c made from
     * {@code values} cut in three: the tree decides how partials are grouped, so every reducer must
     * give the same result for every grouping. Partials are made afresh for each side, since
     * reducers may combine into the values they are given.
     */
    private static <T, R> void assertAssociative(Reducer<T, R> reducer, List<T> values) {
        int third = values.size() / 3;
        List<List<T>> parts = List.of(values.subList(0, third), values.subList(third, 2 * third),
                values.subList(2 * third, values.size()));
        R leftFirst = reducer.combine(reducer.combine(partial(reducer, parts.get(0)), partial(reducer, parts.get(1))),
                partial(reducer, parts.get(2)));
        R rightFirst = reducer.combine(partial(reducer, parts.get(0)),
                reducer.combine(partial(reducer, parts.get(1)), partial(reducer, parts.get(2))));
        assertEquals(leftFirst, rightFirst, "(a+b)+c against a+(b+c)");
        assertEquals(partial(reducer, values), leftFirst, "the grouped result against one pass over every value");
    }

    private static <T, R> R partial(Reducer<T, R> reducer, List<T> values) {
        R acc = reducer.identity();
        for (T v : values) {
            acc = reducer.accumulate(acc, v);
        }
        return acc;
    }

    @Test
    void whenPartialsAreGroupedEitherWay_thenEveryShippedReducerGivesTheSameResult() {
        List<Integer> numbers = List.of(7, -3, 12, 5, 0, 41, -8, 19, 3, 3, 27, -1);
        assertAssociative(Reducers.<Integer>sumLong(), numbers);
        assertAssociative(Reducers.<Integer>count(), numbers);
        assertAssociative(Reducers.<Integer>toList(), numbers);
        assertAssociative(Reducers.<Integer>min(), numbers);
        assertAssociative(Reducers.<Integer>max(), numbers);
        assertAssociative(Reducers.min((java.util.Comparator<Integer> & java.io.Serializable) (a, b) -> b - a), numbers);
        assertAssociative(Reducers.max((java.util.Comparator<Integer> & java.io.Serializable) (a, b) -> b - a), numbers);
        List<Map<String, Long>> words = List.of(Map.of("a", 1L, "b", 2L), Map.of("b", 5L), Map.of("c", 1L, "a", 4L),
                Map.of("a", 1L), Map.of("d", 9L, "b", 1L), Map.of("c", 3L));
        assertAssociative(Reducers.<String, Long>toMap(Long::sum), words);
        assertAssociative(Reducers.<Long, Long>of(() -> 0L, (acc, v) -> acc + v, Long::sum),
                List.of(4L, 8L, 15L, 16L, 23L, 42L));
    }
}
