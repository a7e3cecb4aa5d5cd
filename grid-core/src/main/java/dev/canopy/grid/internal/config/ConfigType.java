package dev.canopy.grid.internal.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The type of a key's value: how it is read from a YAML or JSON node and from text (an environment
 * variable or a system property), and how it is written back. Reading gives empty when the input is
 * not of this type; whether a value of the right type is allowed is the key's {@link Validator}'s call.
 */
public final class ConfigType<T> {

    /** A whole number that fits an {@code int}; text such as {@code "16"} is read too. */
    public static final ConfigType<Integer> INT = new ConfigType<>("integer", "",
            ConfigType::intFromNode, ConfigType::intFromText, String::valueOf);

    /** {@code true} or {@code false}, in any case. */
    public static final ConfigType<Boolean> BOOLEAN = new ConfigType<>("boolean", "",
            ConfigType::booleanFromNode, ConfigType::booleanFromText, String::valueOf);

    /** Any scalar, taken as its text. */
    public static final ConfigType<String> STRING = new ConfigType<>("string", "",
            ConfigType::stringFromNode, Optional::of, Function.identity());

    /** Written as 500ms, 90s, 5m, 1h, 2d or ISO-8601 ({@code PT1H}); a bare number is refused, having no unit. */
    public static final ConfigType<Duration> DURATION = new ConfigType<>("duration",
            ", written as " + Durations.FORMS,
            ConfigType::durationFromNode, Durations::parse, Durations::format);

    /** A YAML or JSON list; as text, entries separated by commas, optionally in brackets. */
    public static final ConfigType<List<String>> STRING_LIST = new ConfigType<>("list of strings",
            ", as a list or comma-separated text",
            ConfigType::listFromNode, ConfigType::listFromText, list -> "[" + String.join(", ", list) + "]");

    private final String name;
    private final String formHint;
    private final Function<JsonNode, Optional<T>> fromNode;
    private final Function<String, Optional<T>> fromText;
    private final Function<T, String> format;

    private ConfigType(String name, String formHint, Function<JsonNode, Optional<T>> fromNode,
                       Function<String, Optional<T>> fromText, Function<T, String> format) {
        this.name = name;
        this.formHint = formHint;
        this.fromNode = fromNode;
        this.fromText = fromText;
        this.format = format;
    }

    /** What the reference calls this type: {@code integer}, {@code duration}... */
    public String name() {
        return name;
    }

    /** Words on how to write a value, appended to what is allowed when input is not of this type; may be empty. */
    String formHint() {
        return formHint;
    }

    Optional<T> fromNode(JsonNode node) {
        return fromNode.apply(node);
    }

    Optional<T> fromText(String text) {
        return fromText.apply(text);
    }

    /** The value as a config file or an override may write it: {@code 1h}, {@code canopy}, {@code [a, b]}. */
    public String format(T value) {
        return format.apply(value);
    }

    /** Any value for a message: strings quoted, durations in their simple form, lists bracketed. */
    static String show(Object value) {
        if (value instanceof String s) {
            return '"' + s + '"';
        }
        if (value instanceof Duration d) {
            return Durations.format(d);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ConfigType::show).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }

    @Override
    public String toString() {
        return name;
    }

    private static Optional<Integer> intFromNode(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return Optional.of(node.intValue());
        }
        return node.isTextual() ? intFromText(node.textValue()) : Optional.empty();
    }

    private static Optional<Integer> intFromText(String text) {
        try {
            return Optional.of(Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Boolean> booleanFromNode(JsonNode node) {
        if (node.isBoolean()) {
            return Optional.of(node.booleanValue());
        }
        return node.isTextual() ? booleanFromText(node.textValue()) : Optional.empty();
    }

    private static Optional<Boolean> booleanFromText(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    private static Optional<String> stringFromNode(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static Optional<Duration> durationFromNode(JsonNode node) {
        return node.isTextual() ? Durations.parse(node.textValue()) : Optional.empty();
    }

    private static Optional<List<String>> listFromNode(JsonNode node) {
        if (node.isTextual()) {
            return listFromText(node.textValue());
        }
        if (!node.isArray()) {
            return Optional.empty();
        }
        List<String> entries = new ArrayList<>();
        for (JsonNode element : node) {
            Optional<String> entry = stringFromNode(element);
            if (entry.isEmpty()) {
                return Optional.empty();
            }
            entries.add(entry.get());
        }
        return Optional.of(List.copyOf(entries));
    }

    private static Optional<List<String>> listFromText(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1);
        }
        List<String> entries = new ArrayList<>();
        for (String entry : trimmed.split(",", -1)) {
            entries.add(entry.strip());
        }
        return Optional.of(List.copyOf(entries));
    }
}
