package dev.canopy.grid;

import dev.canopy.grid.internal.spec.GraphSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Jobs that depend on each other, submitted as one unit with {@link Grid#submit(JobGraph)}: each
 * stage is a job that starts once every stage it comes after has completed, and may be built from
 * their results.
 *
 * <pre>{@code
 * JobGraph graph = JobGraph.builder("report")
 *     .stage("words", Job.overMap("lines", countWords).reduce(Reducers.toMap(Long::sum)).build())
 *     .stage("top", in -> topK(in.<Map<String, Long>>get("words"), 20), "words")
 *     .build();
 * Map<String, Object> all = grid.submit(graph).result().get();
 * }</pre>
 *
 * The graph lives in the grid like a job: it is driven by a member, taken over when that member
 * is lost, and each stage's job is created once, whoever submitted it and whether or not the
 * submitter is still there. Immutable; made by {@link #builder}.
 */
public final class JobGraph {

    private final GraphSpec spec;

    private JobGraph(GraphSpec spec) {
        this.spec = spec;
    }

    public static Builder builder(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a graph needs a name, but was " + (name == null ? "null" : "blank"));
        }
        return new Builder(name);
    }

    public String name() {
        return spec.name();
    }

    /** The names of its stages, in the order they were added. */
    public List<String> stages() {
        return spec.stages().stream().map(GraphSpec.Stage::name).toList();
    }

    /** Zero when the graph has no timeout. */
    public Duration timeout() {
        return Duration.ofMillis(spec.timeoutMillis());
    }

    @Override
    public String toString() {
        return "JobGraph[" + spec.name() + ": " + String.join(", ", stages()) + "]";
    }

    static GraphSpec specOf(JobGraph graph) {
        return Objects.requireNonNull(graph, "graph").spec;
    }

    /** Adds stages; {@link #build()} checks the graph's shape. Not thread-safe. */
    public static final class Builder {

        private final String name;
        private final List<GraphSpec.Stage> stages = new ArrayList<>();
        private long timeoutMillis;

        private Builder(String name) {
            this.name = name;
        }

        /** A stage that runs {@code job} once every stage in {@code after} has completed (at once without any). */
        public Builder stage(String stageName, Job<?, ?> job, String... after) {
            stages.add(new GraphSpec.Stage(checkName(stageName), afterOf(stageName, after), Job.specOf(job), null));
            return this;
        }

        /**
         * A stage whose job {@code factory} builds from the results of the stages in {@code after},
         * once they have all completed.
         */
        public Builder stage(String stageName, StageFactory factory, String... after) {
            Objects.requireNonNull(factory, "factory of stage '" + stageName + "'");
            stages.add(new GraphSpec.Stage(checkName(stageName), afterOf(stageName, after), null, factory));
            return this;
        }

        /**
         * The whole graph's time limit, from its submit: when it runs out, every running stage is
         * cancelled and the graph ends cancelled, with a {@link java.util.concurrent.TimeoutException} as cause.
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("a graph's timeout must be positive but was " + timeout
                        + "; leave it unset for none");
            }
            this.timeoutMillis = timeout.toMillis();
            return this;
        }

        /**
         * @throws IllegalArgumentException for an empty graph, two stages of one name, a stage that
         *         comes after one that does not exist, or a cycle (naming its stages)
         */
        public JobGraph build() {
            return new JobGraph(GraphSpec.of(name, timeoutMillis, stages));
        }

        private String checkName(String stageName) {
            if (stageName == null || stageName.isBlank()) {
                throw new IllegalArgumentException("a stage of graph '" + name + "' needs a name, but was "
                        + (stageName == null ? "null" : "blank"));
            }
            return stageName;
        }

        private List<String> afterOf(String stageName, String[] after) {
            Objects.requireNonNull(after, "after");
            for (String before : after) {
                if (before == null) {
                    throw new IllegalArgumentException("stage '" + stageName + "' of graph '" + name
                            + "' comes after a null stage name");
                }
            }
            return List.of(after);
        }
    }
}
