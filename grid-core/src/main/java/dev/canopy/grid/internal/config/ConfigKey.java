package dev.canopy.grid.internal.config;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one definition of a configuration key, as Kafka's {@code ConfigDef.ConfigKey}: its name (also
 * its YAML key and accessor name), type, default, what is allowed, and a one-line doc that the
 * reference in {@code config/} repeats word for word.
 *
 * @param defaultText the default as the reference shows it; usually the formatted default, but
 *                    for a default that depends on the machine, words such as "available processors"
 */
public record ConfigKey<T>(String name, ConfigType<T> type, T defaultValue, String defaultText,
                           Validator<T> validator, String doc) {

    private static final Pattern NAME = Pattern.compile("[a-z][A-Za-z0-9]*");

    public ConfigKey {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultText, "defaultText");
        Objects.requireNonNull(validator, "validator");
        Objects.requireNonNull(doc, "doc");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("key name must be lowerCamelCase but was " + name);
        }
        if (!validator.accepts(defaultValue)) {
            throw new IllegalArgumentException("default of " + name + " must be " + validator.description()
                    + " but was " + ConfigType.show(defaultValue));
        }
        if (doc.isBlank() || doc.contains("\n") || doc.contains("|")) {
            throw new IllegalArgumentException("doc of " + name + " must be one line without '|' but was " + doc);
        }
    }

    public static <T> ConfigKey<T> of(String name, ConfigType<T> type, T defaultValue, Validator<T> validator,
                                      String doc) {
        return new ConfigKey<>(name, type, defaultValue, type.format(defaultValue), validator, doc);
    }

    /** This key with its default shown in the reference as {@code text} rather than as its value. */
    public ConfigKey<T> defaultShownAs(String text) {
        return new ConfigKey<>(name, type, defaultValue, text, validator, doc);
    }

    /** The environment variable that overrides this key: {@code fanOut} gives {@code CANOPY_FAN_OUT}. */
    public String envVar() {
        return "CANOPY_" + name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** The system property that overrides this key, winning over {@link #envVar()}: {@code canopy.fanOut}. */
    public String systemProperty() {
        return "canopy." + name;
    }

    /**
     * {@code value} if it is allowed.
     *
     * @throws IllegalArgumentException naming the key, the value and what is allowed:
     *                                  "fanOut must be an integer >= 2 but was 1"
     */
    T check(T value) {
        if (!validator.accepts(value)) {
            throw new IllegalArgumentException(name + " must be " + validator.description()
                    + " but was " + ConfigType.show(value));
        }
        return value;
    }
}
