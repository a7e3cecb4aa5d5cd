package dev.canopy.grid;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Bad input gets a clear, early error and loses nothing else; empty input is not an error. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BadInputTest extends GridTestSupport {

    /** Something a task must not capture: it cannot be serialized. */
    static final class Unshippable {
        final long offset;

        Unshippable(long offset) {
            this.offset = offset;
        }
    }

    /** A task class whose field cannot be serialized. */
    static final class TaskWithUnshippableField implements IndexTask<Long> {
        private final Unshippable unshippable = new Unshippable(1);

        @Override
        public Long run(long index, TaskContext ctx) {
            return index + unshippable.offset;
        }
    }

    /** Serializable, but holding something that is not. */
    static final class Lookup implements Serializable {
        private final Unshippable table = new Unshippable(2);
    }

    /** A task class whose value that cannot be serialized is two fields deep. */
    static final class TaskWithLookup implements IndexTask<Long> {
        private final Lookup lookup = new Lookup();

        @Override
        public Long run(long index, TaskContext ctx) {
            return index + lookup.table.offset;
        }
    }

    /** A reducer class whose field cannot be serialized. */
    static final class ReducerWithUnshippableField implements Reducer<Long, Long> {
        private final Unshippable unshippable = new Unshippable(0);

        @Override public Long identity() { return unshippable.offset; }
        @Override public Long accumulate(Long acc, Long value) { return acc + value; }
        @Override public Long combine(Long left, Long right) { return left + right; }
    }

    /** A job over the map {@code mapName} that sums its values. */
    private static Job<Integer, Long> sumOfValues(String mapName) {
        return Job.<Integer, Integer, Integer>overMap(mapName, (k, v, ctx) -> v).reduce(Reducers.sumLong()).build();
    }

    /** Submitting {@code job} on {@code node} throws with {@code message}, and writes nothing. */
    private static void assertSubmitRejected(GridNode node, Job<?, ?> job, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> node.submit(job));
        assertEquals(message, e.getMessage());
        assertNothingWritten(node);
    }

    /** The job's result is {@code expected}, and it ended {@link JobState#COMPLETED}. */
    private static <R> void assertCompletedWith(R expected, JobHandle<R> handle) {
        assertEquals(expected, await(handle.result()));
        assertEquals(JobState.COMPLETED, handle.state());
    }

    private static void assertNothingWritten(GridNode node) {
        HazelcastInstance hz = node.hazelcast();
        assertEquals(0, hz.getMap("canopy.jobs").size(), "job records");
        assertEquals(0, hz.getMap("canopy.subjobs").size(), "sub-job records");
        assertEquals(0, hz.getMap("canopy.results").size(), "results");
        assertEquals(List.of(), node.jobs());
    }

    @Test
    void whenTaskLambdaCapturesUnserializableValue_thenSubmitThrowsNamingLambdaAndCapturedArgAndWritesNothing() {
        // given
        List<GridNode> nodes = startCluster(2);
        Unshippable captured = new Unshippable(3);
        Job<Long, Long> job = Job.range(0, 10, (i, ctx) -> i + captured.offset).reduce(Reducers.sumLong())
                .name("captures").build();

        // when / then
        assertSubmitRejected(nodes.get(0), job, "task dev.canopy.grid.BadInputTest$$Lambda (lambda in"
                + " dev.canopy.grid.BadInputTest.whenTaskLambdaCapturesUnserializableValue_thenSubmitThrowsNaming"
                + "LambdaAndCapturedArgAndWritesNothing) of job 'captures' cannot be serialized: captured arg 0 ->"
                + " dev.canopy.grid.BadInputTest$Unshippable is not Serializable; make it Serializable or do not"
                + " capture it in the lambda");
    }

    @Test
    void whenTaskLambdaCapturesMapWithUnserializableValue_thenSubmitThrowsNamingTheKey() {
        // given
        List<GridNode> nodes = startCluster(1);
        Map<String, Object> cache = new HashMap<>(Map.of("k", new Object()));
        Job<Long, Long> job = Job.range(0, 10, (i, ctx) -> i + cache.size()).reduce(Reducers.sumLong())
                .name("cached").build();

        // when / then
        assertSubmitRejected(nodes.get(0), job, "task dev.canopy.grid.BadInputTest$$Lambda (lambda in"
                + " dev.canopy.grid.BadInputTest.whenTaskLambdaCapturesMapWithUnserializableValue_thenSubmitThrows"
                + "NamingTheKey) of job 'cached' cannot be serialized: captured arg 0 (java.util.HashMap) -> value of"
                + " key \"k\" -> java.lang.Object is not Serializable; make it Serializable");
    }

    @Test
    void whenTaskClassHasUnserializableField_thenSubmitThrowsNamingClassAndFieldAndWritesNothing() {
        // given
        List<GridNode> nodes = startCluster(2);
        Job<Long, Long> job = Job.range(0, 10, new TaskWithUnshippableField()).reduce(Reducers.sumLong())
                .name("field").build();

        // when / then
        assertSubmitRejected(nodes.get(1), job, "task dev.canopy.grid.BadInputTest$TaskWithUnshippableField of job"
                + " 'field' cannot be serialized: field 'unshippable' -> dev.canopy.grid.BadInputTest$Unshippable is"
                + " not Serializable; make it Serializable or mark the field transient");
    }

    @Test
    void whenTaskHoldsUnserializableValueTwoFieldsDeep_thenSubmitThrowsWithThePathOfFields() {
        // given
        List<GridNode> nodes = startCluster(2);
        Job<Long, Long> job = Job.range(0, 10, new TaskWithLookup()).reduce(Reducers.sumLong()).name("deep").build();

        // when / then
        assertSubmitRejected(nodes.get(0), job, "task dev.canopy.grid.BadInputTest$TaskWithLookup of job 'deep'"
                + " cannot be serialized: field 'lookup' (dev.canopy.grid.BadInputTest$Lookup) -> field 'table' ->"
                + " dev.canopy.grid.BadInputTest$Unshippable is not Serializable; make it Serializable or mark the"
                + " field transient");
    }

    @Test
    void whenReducerHasUnserializableField_thenSubmitThrowsNamingReducerAndFieldAndWritesNothing() {
        // given
        List<GridNode> nodes = startCluster(2);
        Job<Long, Long> job = Job.range(0, 10, (i, ctx) -> i).reduce(new ReducerWithUnshippableField())
                .name("reducer").build();

        // when / then
        assertSubmitRejected(nodes.get(0), job, "reducer dev.canopy.grid.BadInputTest$ReducerWithUnshippableField of"
                + " job 'reducer' cannot be serialized: field 'unshippable' -> dev.canopy.grid.BadInputTest$Unshippable"
                + " is not Serializable; make it Serializable or mark the field transient");
    }

    @Test
    void whenUnserializableJobWasRejected_thenNextJobStillRuns() {
        // given: a rejected submit
        List<GridNode> nodes = startCluster(2);
        Unshippable captured = new Unshippable(3);
        assertThrows(IllegalArgumentException.class, () -> nodes.get(0).submit(
                Job.range(0, 10, (i, ctx) -> i + captured.offset).reduce(Reducers.sumLong()).build()));

        // when
        JobHandle<Long> handle = nodes.get(0).submit(Job.range(0, 10, (i, ctx) -> i).reduce(Reducers.sumLong()).build());

        // then
        assertEquals(45L, await(handle.result()));
        assertEquals(1, nodes.get(0).jobs().size());
    }

    @Test
    void whenOverMapRunsOnMissingMap_thenResultIsIdentity() {
        // given: a map name nobody ever used
        List<GridNode> nodes = startCluster(2);
        Job<Integer, Long> job = sumOfValues("missing-" + newRunId());

        // when
        JobHandle<Long> handle = nodes.get(0).submit(job);

        // then
        assertCompletedWith(0L, handle);
    }

    @Test
    void whenOverMapRunsOnEmptyMap_thenResultIsIdentity() {
        // given: a map that exists but is empty
        List<GridNode> nodes = startCluster(2);
        String mapName = "empty-" + newRunId();
        IMap<Integer, Integer> map = nodes.get(0).hazelcast().getMap(mapName);
        map.set(1, 1);
        map.delete(1);
        Job<Integer, Long> job = sumOfValues(mapName);

        // when
        JobHandle<Long> handle = nodes.get(1).submit(job);

        // then
        assertCompletedWith(0L, handle);
    }

    @Test
    void whenKeyedJobHasNoKeys_thenResultIsIdentity() {
        // given
        List<GridNode> nodes = startCluster(2);
        Job<Integer, Long> job = Job.<Integer, Integer, Integer>keyed("any-" + newRunId(), List.of(), (k, v, ctx) -> v)
                .reduce(Reducers.sumLong()).build();

        // when
        JobHandle<Long> handle = nodes.get(0).submit(job);

        // then
        assertCompletedWith(0L, handle);
        assertEquals(0, handle.progress().total());
    }

    @Test
    void whenRangeIsEmpty_thenResultIsIdentity() {
        // given
        List<GridNode> nodes = startCluster(2);
        Job<Long, List<Long>> job = Job.range(7, 7, (i, ctx) -> i).reduce(Reducers.<Long>toList()).build();

        // when
        JobHandle<List<Long>> handle = nodes.get(0).submit(job);

        // then
        assertCompletedWith(List.of(), handle);
    }
}
