package evil;

import java.io.Serializable;
import java.util.concurrent.Callable;

/**
 * A stranger's task, of a class outside Canopy's serialization allow-list: its static initializer
 * leaves a mark naming the loader that initialized it, {@code evil.TaskMarker.initialized.<loader>}.
 */
public final class TaskMarker implements Callable<String>, Serializable {

    static {
        System.setProperty("evil.TaskMarker.initialized." + TaskMarker.class.getClassLoader().getName(), "true");
    }

    @Override
    public String call() {
        return "ran";
    }
}
