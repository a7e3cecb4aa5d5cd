package dev.canopy.grid.internal.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What a key's value must be, as a test and as the words that complete "must be ...":
 * {@code "an integer >= 2"}. A null value is never allowed.
 */
public record Validator<T>(String description, Predicate<? super T> rule) {

    public Validator {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(rule, "rule");
    }

    public static Validator<Integer> atLeast(int min) {
        return new Validator<>("an integer >= " + min, v -> v >= min);
    }

    public static Validator<Integer> between(int min, int max) {
        return new Validator<>("an integer from " + min + " to " + max, v -> v >= min && v <= max);
    }

    public static Validator<Boolean> anyBoolean() {
        return new Validator<>("true or false", v -> true);
    }

    public static Validator<String> nonBlank() {
        return new Validator<>("a non-blank string", v -> !v.isBlank());
    }

    public static Validator<Duration> positive() {
        return new Validator<>("a duration > 0", v -> !v.isNegative() && !v.isZero());
    }

    /** Member addresses: at least one, none blank; what an address may look like is Hazelcast's call. */
    public static Validator<List<String>> addresses() {
        return new Validator<>("a non-empty list of \"host\" or \"host:port\" entries",
                v -> !v.isEmpty() && v.stream().allMatch(a -> a != null && !a.isBlank()));
    }

    /** Host names, IPv4 addresses or bracketed IPv6 addresses, possibly none: no ports, no paths. */
    public static Validator<List<String>> hostNames() {
        return new Validator<>("a list of host names or addresses without ports (\"grid.example.com\", \"10.0.0.5\", \"[::1]\")",
                v -> v.stream().allMatch(h -> h != null && (h.matches("[A-Za-z0-9.-]+") || h.matches("\\[[0-9A-Fa-f:.]+]"))));
    }

    /** File-system paths, possibly none; none blank. Whether each one exists is checked when it is used. */
    public static Validator<List<String>> paths() {
        return new Validator<>("a list of paths of jars or class folders", v -> v.stream().allMatch(p -> p != null
                && !p.isBlank()));
    }

    public boolean accepts(T value) {
        return value != null && rule.test(value);
    }
}
