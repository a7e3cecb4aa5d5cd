package dev.canopy.grid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invalid job parameters fail early, in the setter or in build(), naming what is wrong. No cluster needed. */
class JobBuilderTest {

    /** Asserts that {@code call} throws an IllegalArgumentException whose message names {@code what} and {@code value}. */
    private static void assertRejected(Executable call, String what, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        String message = e.getMessage();
        assertTrue(message != null && message.contains(what), "message names '" + what + "': " + message);
        if (value != null) {
            boolean namesValue = Pattern.compile("(?<![\\w.-])" + Pattern.quote(value) + "(?![\\w.])").matcher(message).find();
            assertTrue(namesValue, "message names the value " + value + ": " + message);
        }
    }

    @Test
    void whenRangeTaskIsNull_thenBuildThrowsNamingTask() {
        assertRejected(() -> Job.<Long>range(0, 10, null).reduce(Reducers.sumLong()).build(), "task", null);
    }

    @Test
    void whenTaskListIsNullOrHoldsNull_thenBuildThrowsNamingIt() {
        assertRejected(() -> Job.<Long>of(null).reduce(Reducers.sumLong()).build(), "tasks", null);
        Task<Long> ok = ctx -> 1L;
        assertRejected(() -> Job.of(Arrays.asList(ok, null)).reduce(Reducers.sumLong()).build(), "task at index 1", null);
    }

    @Test
    void whenEntryTaskIsNull_thenBuildThrowsNamingTask() {
        assertRejected(() -> Job.<Integer, Integer, Long>keyed("m", List.of(1), null).reduce(Reducers.sumLong()).build(),
                "task", null);
        assertRejected(() -> Job.<Integer, Integer, Long>overMap("m", null).reduce(Reducers.sumLong()).build(),
                "task", null);
    }

    @Test
    void whenReducerIsMissing_thenBuildThrowsNamingReducer() {
        assertRejected(() -> Job.range(0, 10, (i, ctx) -> i).build(), "reducer", null);
    }

    @Test
    void whenReducerIsNull_thenReduceThrowsNamingReducer() {
        assertRejected(() -> Job.range(0, 10, (i, ctx) -> i).reduce(null), "reducer", null);
    }

    @Test
    void whenMapNameIsNull_thenBuildThrowsNamingMapName() {
        assertRejected(() -> Job.<Integer, Integer, Long>keyed(null, List.of(1), (k, v, ctx) -> 1L)
                .reduce(Reducers.sumLong()).build(), "map name", null);
        assertRejected(() -> Job.<Integer, Integer, Long>overMap(null, (k, v, ctx) -> 1L)
                .reduce(Reducers.sumLong()).build(), "map name", null);
    }

    @Test
    void whenKeysAreNullOrHoldNull_thenBuildThrowsNamingThem() {
        assertRejected(() -> Job.<Integer, Integer, Long>keyed("m", null, (k, v, ctx) -> 1L)
                .reduce(Reducers.sumLong()).build(), "keys", null);
        assertRejected(() -> Job.<Integer, Integer, Long>keyed("m", Arrays.asList(1, null), (k, v, ctx) -> 1L)
                .reduce(Reducers.sumLong()).build(), "key at position 1", null);
    }

    @Test
    void whenRangeFromIsAboveTo_thenBuildThrowsNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Job.range(10, 5, (i, ctx) -> i).reduce(Reducers.sumLong()).build());
        assertTrue(e.getMessage().contains("from=10") && e.getMessage().contains("to=5"), e.getMessage());
    }

    @Test
    void whenFanOutIsOne_thenSetterThrowsNamingValue() {
        assertRejected(() -> Job.range(0, 10, (i, ctx) -> i).fanOut(1), "fanOut", "1");
    }

    @Test
    void whenLeafSizeIsZero_thenSetterThrowsNamingValue() {
        assertRejected(() -> Job.range(0, 10, (i, ctx) -> i).leafSize(0), "leafSize", "0");
    }

    @Test
    void whenMaxAttemptsIsZero_thenSetterThrowsNamingValue() {
        assertRejected(() -> Job.range(0, 10, (i, ctx) -> i).maxAttempts(0), "maxAttempts", "0");
    }

    @Test
    void whenTimeoutIsNegativeOrNull_thenSetterThrowsNamingValue() {
        Duration negative = Duration.ofMillis(-5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Job.range(0, 10, (i, ctx) -> i).timeout(negative));
        assertTrue(e.getMessage().contains("timeout") && e.getMessage().contains(negative.toString()), e.getMessage());
        assertRejected(() -> Job.range(0, 10, (i, ctx) -> i).timeout(null), "timeout", null);
    }

    @Test
    void whenToleratedFailuresAreNegative_thenSetterThrowsNamingValue() {
        assertRejected(() -> Job.range(0, 10, (i, ctx) -> i).tolerateFailures(-1), "tolerateFailures", "-1");
    }

    @Test
    void whenNameIsNull_thenSetterThrowsNamingName() {
        assertRejected(() -> Job.range(0, 10, (i, ctx) -> i).name(null), "name", null);
    }

    @Test
    void whenJobIdIsNotAUuid_thenParseThrowsNamingText() {
        assertRejected(() -> JobId.parse("nope"), "job id", null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobId.parse("nope"));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    }

    @Test
    void whenJobIsBuiltWithoutSettings_thenDefaultsApply() {
        // when
        Job<Long, Long> job = Job.range(0, 10, (i, ctx) -> i).reduce(Reducers.sumLong()).build();

        // then
        assertEquals("job", job.name());
        assertEquals(0, job.fanOut(), "0 means the grid's fanOut");
        assertEquals(0, job.leafSize(), "0 means the grid chooses");
        assertEquals(Job.DEFAULT_MAX_ATTEMPTS, job.maxAttempts());
        assertEquals(3, job.maxAttempts());
        assertEquals(Duration.ZERO, job.timeout());
        assertEquals(0, job.priority());
        assertEquals(0, job.tolerateFailures());
    }

    @Test
    void whenSettingsAreGiven_thenJobKeepsThem() {
        // when
        Job<Long, Long> job = Job.range(0, 10, (i, ctx) -> i)
                .reduce(Reducers.sumLong())
                .name("squares").fanOut(2).leafSize(1).maxAttempts(1)
                .timeout(Duration.ofSeconds(7)).priority(-3).tolerateFailures(4)
                .build();

        // then
        assertEquals("squares", job.name());
        assertEquals(2, job.fanOut());
        assertEquals(1, job.leafSize());
        assertEquals(1, job.maxAttempts());
        assertEquals(Duration.ofSeconds(7), job.timeout());
        assertEquals(-3, job.priority());
        assertEquals(4, job.tolerateFailures());
    }

    @Test
    void whenEmptyRangeIsBuilt_thenItIsValid() {
        // from == to is an empty job, not an error
        Job<Long, Long> job = Job.range(5, 5, (i, ctx) -> i).reduce(Reducers.sumLong()).build();
        assertEquals("job", job.name());
    }
}
