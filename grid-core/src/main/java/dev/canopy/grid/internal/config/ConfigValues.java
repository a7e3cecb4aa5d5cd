package dev.canopy.grid.internal.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.StringJoiner;

/**
 * The current value of every key of a {@link ConfigDef}, starting from the defaults. Values are
 * checked as they are set; lists are stored as immutable copies. Not thread-safe.
 */
public final class ConfigValues {

    private final ConfigDef def;
    private final Map<String, Object> values;

    public ConfigValues(ConfigDef def) {
        this.def = def;
        this.values = new HashMap<>();
        for (ConfigKey<?> key : def.keys()) {
            values.put(key.name(), key.defaultValue());
        }
    }

    private ConfigValues(ConfigValues source) {
        this.def = source.def;
        this.values = new HashMap<>(source.values);
    }

    /**
     * The defaults of {@code def} with what {@code file} sets on top; see {@link ConfigParser#readFile}.
     *
     * @throws dev.canopy.grid.GridConfigException when the file cannot be read or parsed, or holds an
     *                                             unknown key or a value that is not allowed
     */
    public static ConfigValues load(ConfigDef def, Path file) {
        Objects.requireNonNull(file, "yamlOrJson");
        ConfigValues values = new ConfigValues(def);
        ConfigParser.readFile(file, values);
        return values;
    }

    /**
     * A copy with the keys set by environment variables or system properties taken from them; see
     * {@link ConfigParser#readOverrides}. These values are not changed.
     *
     * @throws dev.canopy.grid.GridConfigException naming the variable or property when its value is not allowed
     */
    public ConfigValues withOverrides(Map<String, String> env, Properties systemProperties) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(systemProperties, "systemProperties");
        ConfigValues copy = copy();
        ConfigParser.readOverrides(env, systemProperties, copy);
        return copy;
    }

    ConfigDef def() {
        return def;
    }

    public <T> T get(ConfigKey<T> key) {
        requireOwn(key);
        @SuppressWarnings("unchecked") // set() only stores values checked against the key
        T value = (T) values.get(key.name());
        return value;
    }

    /**
     * Sets {@code key} to {@code value}.
     *
     * @throws IllegalArgumentException when the value is not allowed, naming key, value and what is allowed
     */
    public <T> void set(ConfigKey<T> key, T value) {
        requireOwn(key);
        key.check(value);
        values.put(key.name(), value instanceof List<?> list ? List.copyOf(list) : value);
    }

    public ConfigValues copy() {
        return new ConfigValues(this);
    }

    /** Key name to current value, in definition order; unmodifiable. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        for (ConfigKey<?> key : def.keys()) {
            map.put(key.name(), values.get(key.name()));
        }
        return Collections.unmodifiableMap(map);
    }

    @Override
    public String toString() {
        StringJoiner joiner = new StringJoiner(", ", "{", "}");
        for (ConfigKey<?> key : def.keys()) {
            joiner.add(key.name() + "=" + formatted(key));
        }
        return joiner.toString();
    }

    private <T> String formatted(ConfigKey<T> key) {
        return key.type().format(get(key));
    }

    private void requireOwn(ConfigKey<?> key) {
        if (!def.contains(key)) {
            throw new IllegalArgumentException("key " + key.name() + " is not one of " + def.keys().stream()
                    .map(ConfigKey::name).toList());
        }
    }
}
