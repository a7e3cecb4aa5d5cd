package dev.canopy.grid.internal.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in config files: {@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h},
 * {@code 2d}, or ISO-8601 ({@code PT1H}).
 */
final class Durations {

    static final String FORMS = "500ms, 90s, 5m, 1h, 2d or ISO-8601 such as PT1H";

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final long SECONDS_PER_DAY = 86_400;

    private Durations() {
    }

    /** The duration {@code text} stands for, or empty when it is in none of the accepted {@link #FORMS}. */
    static Optional<Duration> parse(String text) {
        String trimmed = text.strip();
        Matcher simple = SIMPLE.matcher(trimmed);
        try {
            if (simple.matches()) {
                long amount = Long.parseLong(simple.group(1));
                return Optional.of(switch (simple.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                });
            }
            return Optional.of(Duration.parse(trimmed));
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The shortest exact simple form ({@code 1h}, {@code 500ms}), else ISO-8601; {@link #parse} reads it back. */
    static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.isNegative()) {
            return duration.toString();
        }
        long seconds = duration.getSeconds();
        int nanos = duration.getNano();
        if (nanos == 0) {
            if (seconds % SECONDS_PER_DAY == 0) {
                return seconds / SECONDS_PER_DAY + "d";
            }
            if (seconds % 3600 == 0) {
                return seconds / 3600 + "h";
            }
            if (seconds % 60 == 0) {
                return seconds / 60 + "m";
            }
            return seconds + "s";
        }
        if (nanos % 1_000_000 == 0 && seconds < Long.MAX_VALUE / 1000) {
            return duration.toMillis() + "ms";
        }
        return duration.toString();
    }
}
