package dev.canopy.grid;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A graph's shape is checked at build(): every bad input is an IllegalArgumentException naming the problem. */
class JobGraphBuilderTest {

    static Job<Long, Long> one() {
        return Job.of(List.<Task<Long>>of(ctx -> 1L)).reduce(Reducers.sumLong()).build();
    }

    @Test
    void whenGraphHasNoStages_thenBuildFailsSayingSo() {
        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobGraph.builder("empty").build());

        // then
        assertEquals("graph 'empty' has no stages: add one with stage(name, job)", e.getMessage());
    }

    @Test
    void whenTwoStagesShareAName_thenBuildFailsNamingIt() {
        // given
        JobGraph.Builder builder = JobGraph.builder("twice").stage("a", one()).stage("a", one());

        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

        // then
        assertEquals("graph 'twice' has two stages named 'a': give each stage a name of its own", e.getMessage());
    }

    @Test
    void whenStageComesAfterAnUnknownStage_thenBuildFailsNamingItAndTheStages() {
        // given
        JobGraph.Builder builder = JobGraph.builder("unknown").stage("words", one()).stage("top", one(), "wrds");

        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

        // then
        assertEquals("stage 'top' of graph 'unknown' comes after 'wrds', which is no stage of the graph (its stages:"
                + " words, top)", e.getMessage());
    }

    @Test
    void whenStagesFormACycle_thenBuildFailsNamingTheStagesInIt() {
        // given: start -> a -> b -> c -> a
        JobGraph.Builder builder = JobGraph.builder("loop")
                .stage("start", one())
                .stage("a", one(), "start", "c")
                .stage("b", one(), "a")
                .stage("c", one(), "b");

        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);

        // then: read as "a comes after c, which comes after b, which comes after a"
        assertEquals("graph 'loop' has a cycle: a -> c -> b -> a; a stage cannot come after itself, directly or"
                + " through other stages", e.getMessage());
    }

    @Test
    void whenStageComesAfterItself_thenBuildFailsNamingIt() {
        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobGraph.builder("self").stage("a", one(), "a").build());

        // then
        assertEquals("graph 'self' has a cycle: a -> a; a stage cannot come after itself, directly or through other"
                + " stages", e.getMessage());
    }

    @Test
    void whenNamesAreBlankOrNull_thenTheCallFailsNamingWhat() {
        assertEquals("a graph needs a name, but was blank",
                assertThrows(IllegalArgumentException.class, () -> JobGraph.builder(" ")).getMessage());
        assertEquals("a stage of graph 'g' needs a name, but was null",
                assertThrows(IllegalArgumentException.class, () -> JobGraph.builder("g").stage(null, one())).getMessage());
        assertEquals("stage 'b' of graph 'g' comes after a null stage name",
                assertThrows(IllegalArgumentException.class,
                        () -> JobGraph.builder("g").stage("b", one(), (String) null)).getMessage());
        assertEquals("a graph's timeout must be positive but was PT0S; leave it unset for none",
                assertThrows(IllegalArgumentException.class,
                        () -> JobGraph.builder("g").timeout(Duration.ZERO)).getMessage());
    }

    @Test
    void whenGraphIsWellFormed_thenItKeepsItsStagesInOrder() {
        // when
        JobGraph graph = JobGraph.builder("fine").stage("b", one()).stage("a", one(), "b")
                .timeout(Duration.ofMinutes(1)).build();

        // then
        assertEquals(List.of("b", "a"), graph.stages());
        assertEquals("fine", graph.name());
        assertEquals(Duration.ofMinutes(1), graph.timeout());
    }
}
