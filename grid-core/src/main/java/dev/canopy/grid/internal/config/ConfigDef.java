package dev.canopy.grid.internal.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The keys of one configuration object, in the order the reference lists them. */
public final class ConfigDef {

    /** Most edits (after ignoring case, '_' and '-') for an unknown key to be taken as a misspelling. */
    private static final int MAX_TYPO_DISTANCE = 2;

    private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();

    public ConfigDef(ConfigKey<?>... keys) {
        for (ConfigKey<?> key : keys) {
            if (this.keys.putIfAbsent(key.name(), key) != null) {
                throw new IllegalArgumentException("key " + key.name() + " is defined twice");
            }
        }
    }

    public Collection<ConfigKey<?>> keys() {
        return Collections.unmodifiableCollection(keys.values());
    }

    Optional<ConfigKey<?>> key(String name) {
        return Optional.ofNullable(keys.get(name));
    }

    boolean contains(ConfigKey<?> key) {
        return keys.get(key.name()) == key;
    }

    /** The known key that {@code unknown} most likely misspells, if one is close enough. */
    Optional<String> closest(String unknown) {
        String target = normalize(unknown);
        String best = null;
        int bestDistance = MAX_TYPO_DISTANCE + 1;
        for (String name : keys.keySet()) {
            int distance = distance(target, normalize(name));
            if (distance < bestDistance) {
                best = name;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
