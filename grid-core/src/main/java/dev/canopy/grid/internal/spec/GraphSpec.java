package dev.canopy.grid.internal.spec;

import dev.canopy.grid.StageFactory;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a job graph is once built: its name, its timeout, and its stages in the order they were
 * added, each a fixed job or a factory of one, with the stages it comes after. It is what travels
 * (signed, with the graph's code) to the graph's driver and is kept in the graph's record.
 *
 * <p>{@link #of} checks the shape once, on the submitter: a member reads only signed specs, which
 * passed it.
 */
public record GraphSpec(String name, long timeoutMillis, List<Stage> stages) implements Serializable {

    /** One stage: exactly one of {@code job} and {@code factory} is set. */
    public record Stage(String name, List<String> after, JobSpec<?, ?> job, StageFactory factory)
            implements Serializable {

        public Stage {
            after = List.copyOf(after);
            if ((job == null) == (factory == null)) {
                throw new IllegalArgumentException("stage '" + name + "' needs a job or a factory, not both or none");
            }
        }

        /** The loader of the stage's own classes: its job's, or its factory's. */
        ClassLoader loader() {
            if (job != null) {
                return job.loader();
            }
            ClassLoader loader = factory.getClass().getClassLoader();
            return loader != null ? loader : GraphSpec.class.getClassLoader();
        }
    }

    public GraphSpec {
        stages = List.copyOf(stages);
    }

    /**
     * A graph of {@code stages}, checked: it has a stage, its stage names are distinct, every stage
     * it comes after exists, and no stage comes after itself, however indirectly.
     *
     * @throws IllegalArgumentException naming the problem and its fix
     */
    public static GraphSpec of(String name, long timeoutMillis, List<Stage> stages) {
        Objects.requireNonNull(name, "name");
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("graph '" + name + "' has no stages: add one with stage(name, job)");
        }
        Map<String, Stage> byName = new LinkedHashMap<>();
        for (Stage stage : stages) {
            if (byName.putIfAbsent(stage.name(), stage) != null) {
                throw new IllegalArgumentException("graph '" + name + "' has two stages named '" + stage.name()
                        + "': give each stage a name of its own");
            }
        }
        for (Stage stage : stages) {
            for (String before : stage.after()) {
                if (!byName.containsKey(before)) {
                    throw new IllegalArgumentException("stage '" + stage.name() + "' of graph '" + name
                            + "' comes after '" + before + "', which is no stage of the graph (its stages: "
                            + String.join(", ", byName.keySet()) + ")");
                }
            }
        }
        List<String> cycle = cycleIn(byName);
        if (!cycle.isEmpty()) {
            throw new IllegalArgumentException("graph '" + name + "' has a cycle: " + String.join(" -> ", cycle)
                    + "; a stage cannot come after itself, directly or through other stages");
        }
        return new GraphSpec(name, timeoutMillis, stages);
    }

    /** The first cycle found, as stage names with its first repeated at the end; empty when none. */
    private static List<String> cycleIn(Map<String, Stage> byName) {
        Map<String, Integer> marks = new HashMap<>();
        for (String start : byName.keySet()) {
            if (marks.containsKey(start)) {
                continue;
            }
            // depth-first without recursion: a long chain of stages must not overflow the stack
            Deque<Map.Entry<String, Integer>> path = new ArrayDeque<>();
            path.push(Map.entry(start, 0));
            marks.put(start, ON_PATH);
            while (!path.isEmpty()) {
                Map.Entry<String, Integer> top = path.peek();
                List<String> after = byName.get(top.getKey()).after();
                if (top.getValue() == after.size()) {
                    marks.put(top.getKey(), DONE);
                    path.pop();
                    continue;
                }
                path.pop();
                path.push(Map.entry(top.getKey(), top.getValue() + 1));
                String next = after.get(top.getValue());
                Integer mark = marks.get(next);
                if (mark == null) {
                    marks.put(next, ON_PATH);
                    path.push(Map.entry(next, 0));
                } else if (mark == ON_PATH) {
                    return cycleThrough(path, next);
                }
            }
        }
        return List.of();
    }

    private static final int ON_PATH = 1;
    private static final int DONE = 2;

    /** The cycle that closes at {@code repeated}, in the order "comes after" was followed. */
    private static List<String> cycleThrough(Deque<Map.Entry<String, Integer>> path, String repeated) {
        List<String> cycle = new ArrayList<>();
        for (Map.Entry<String, Integer> step : path) {
            cycle.add(step.getKey());
            if (step.getKey().equals(repeated)) {
                break;
            }
        }
        java.util.Collections.reverse(cycle);
        cycle.add(repeated);
        return cycle;
    }

    public Stage stage(String stageName) {
        for (Stage s : stages) {
            if (s.name().equals(stageName)) {
                return s;
            }
        }
        return null;
    }

    /** The loader of the graph's own classes: its first stage's, where the code scan and the results start. */
    public ClassLoader loader() {
        return stages.get(0).loader();
    }
}
