package dev.canopy.examples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The options of one example: {@code --name value} or {@code --name=value}, each at most once.
 * An unknown option, a missing value or a value out of range is an {@link IllegalArgumentException}
 * naming the example, the option, the value and what is allowed.
 */
final class Args {

    private final String example;
    private final Map<String, String> values;

    private Args(String example, Map<String, String> values) {
        this.example = example;
        this.values = values;
    }

    /** Parses {@code args}, accepting only the options in {@code known} (names without the dashes). */
    static Args parse(String example, List<String> args, Set<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException(example + ": unexpected argument \"" + arg + "\"; options are "
                        + describe(known));
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq >= 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(example + ": option --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException(example + ": unknown option --" + name + "; options are "
                        + describe(known));
            }
            if (values.put(name, value) != null) {
                throw new IllegalArgumentException(example + ": option --" + name + " is given twice");
            }
        }
        return new Args(example, values);
    }

    /** The option's value as a long in {@code [min, max]}, or {@code defaultValue} when it is not given. */
    long longValue(String name, long defaultValue, long min, long max) {
        String text = values.get(name);
        if (text == null) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(text.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(example + ": --" + name + " must be a whole number but was \"" + text
                    + "\"", e);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(example + ": --" + name + " must be between " + min + " and " + max
                    + " but was " + value);
        }
        return value;
    }

    /** The option's value as an int in {@code [min, max]}, or {@code defaultValue} when it is not given. */
    int intValue(String name, int defaultValue, int min, int max) {
        return (int) longValue(name, defaultValue, min, max);
    }

    /** The option's value as given, if it is. */
    Optional<String> string(String name) {
        return Optional.ofNullable(values.get(name));
    }

    private static String describe(Set<String> known) {
        if (known.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        known.stream().sorted().forEach(k -> sb.append(sb.length() == 0 ? "" : ", ").append("--").append(k));
        return sb.toString();
    }
}
