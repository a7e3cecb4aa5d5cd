package evil;

import java.io.Serializable;

/**
 * A stranger's map value, of a class outside Canopy's serialization allow-list: its static
 * initializer leaves a mark naming the loader that initialized it, {@code evil.ValueMarker.initialized.<loader>}.
 */
public final class ValueMarker implements Serializable {

    static {
        System.setProperty("evil.ValueMarker.initialized." + ValueMarker.class.getClassLoader().getName(), "true");
    }
}
