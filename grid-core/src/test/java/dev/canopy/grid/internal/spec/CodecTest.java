package dev.canopy.grid.internal.spec;

import dev.canopy.grid.IndexTask;
import dev.canopy.grid.Reducer;
import dev.canopy.grid.Reducers;
import dev.canopy.grid.Task;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A spec that cannot be serialized is refused with the task or reducer that holds the culprit and
 * the path down to it; the walk that finds the path stops at cycles and at JDK objects it may not
 * read. (Submitting such jobs is tested in {@code BadInputTest}.)
 */
class CodecTest {

    /** Not Serializable. */
    static final class Unshippable {
    }

    /** Serializable, pointing at itself, and holding something that is not. */
    static final class Node implements Serializable {
        Node self = this;
        final Unshippable payload = new Unshippable();
    }

    static final class CyclicTask implements IndexTask<Long> {
        private final Node node = new Node();

        @Override
        public Long run(long index, dev.canopy.grid.TaskContext ctx) {
            return index;
        }
    }

    /** A reducer whose culprit sits inside a JDK object, whose fields the walk may not read. */
    static final class ReducerWithReference implements Reducer<Long, Long> {
        private final AtomicReference<Unshippable> ref = new AtomicReference<>(new Unshippable());

        @Override public Long identity() { return 0L; }
        @Override public Long accumulate(Long acc, Long value) { return acc + value; }
        @Override public Long combine(Long left, Long right) { return left + right; }
    }

    /** Not Serializable, with a method a task refers to. */
    static final class Scorer {
        long score(long index, dev.canopy.grid.TaskContext ctx) {
            return index;
        }
    }

    private static <T, R> JobSpec<T, R> spec(JobSource<T> source, Reducer<T, R> reducer) {
        return new JobSpec<>(source, reducer, new JobSpec.Settings("j", 2, 0, 3, 0, 0, 0));
    }

    private static String refusal(JobSpec<?, ?> spec) {
        return assertThrows(IllegalArgumentException.class, () -> Codec.serialize(spec, "job 'j'")).getMessage();
    }

    @Test
    void whenTheCulpritIsBehindACycle_thenTheWalkStopsAndFindsIt() {
        // when
        String message = refusal(spec(new JobSource.IndexRange<>(0, 1, new CyclicTask()), Reducers.sumLong()));

        // then
        assertEquals("task dev.canopy.grid.internal.spec.CodecTest$CyclicTask of job 'j' cannot be serialized: field"
                + " 'node' (dev.canopy.grid.internal.spec.CodecTest$Node) -> field 'payload' ->"
                + " dev.canopy.grid.internal.spec.CodecTest$Unshippable is not Serializable; make it Serializable or"
                + " mark the field transient", message);
    }

    @Test
    void whenTheCulpritIsInsideAJdkObject_thenThePathLeadsToThatObject() {
        // when
        String message = refusal(spec(new JobSource.IndexRange<>(0, 1, (i, ctx) -> i), new ReducerWithReference()));

        // then
        assertEquals("reducer dev.canopy.grid.internal.spec.CodecTest$ReducerWithReference of job 'j' cannot be"
                + " serialized: field 'ref' (java.util.concurrent.atomic.AtomicReference) -> ... ->"
                + " dev.canopy.grid.internal.spec.CodecTest$Unshippable is not Serializable; make it Serializable",
                message);
    }

    @Test
    void whenATaskOfAListCapturesALambdaThatIsNotSerializable_thenTheMessageSaysHowToMakeItOne() {
        // given
        Function<Long, Long> twice = i -> 2 * i;
        Task<Long> task = ctx -> twice.apply(1L);

        // when
        String message = refusal(spec(new JobSource.TaskList<>(List.of(task)), Reducers.sumLong()));

        // then
        assertEquals("task dev.canopy.grid.internal.spec.CodecTest$$Lambda (lambda in dev.canopy.grid.internal.spec"
                + ".CodecTest.whenATaskOfAListCapturesALambdaThatIsNotSerializable_thenTheMessageSaysHowToMakeItOne)"
                + " of job 'j' cannot be serialized: captured arg 0 -> dev.canopy.grid.internal.spec.CodecTest$$Lambda"
                + " is not Serializable; make it a lambda of a Serializable interface, e.g. with a cast to"
                + " (Function<A, B> & Serializable)", message);
    }

    @Test
    void whenATaskIsAMethodReferenceOnAnUnserializableObject_thenTheMessageNamesTheMethod() {
        // given
        Scorer scorer = new Scorer();

        // when
        String message = refusal(spec(new JobSource.IndexRange<>(0, 1, scorer::score), Reducers.sumLong()));

        // then
        assertEquals("task dev.canopy.grid.internal.spec.CodecTest$$Lambda (method reference"
                + " dev.canopy.grid.internal.spec.CodecTest$Scorer::score in dev.canopy.grid.internal.spec.CodecTest)"
                + " of job 'j' cannot be serialized: captured arg 0 -> dev.canopy.grid.internal.spec.CodecTest$Scorer"
                + " is not Serializable; make it Serializable or do not capture it in the lambda", message);
    }
}
