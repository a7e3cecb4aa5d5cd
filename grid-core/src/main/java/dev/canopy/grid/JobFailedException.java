package dev.canopy.grid;

/**
 * A job failed: a task used up its attempts, or the reducer threw. Names the task, the attempts,
 * and carries the task's own exception (class and message preserved across members) as cause.
 */
public final class JobFailedException extends GridException {

    private final String task;
    private final int attempts;

    public JobFailedException(String message, String task, int attempts, Throwable cause) {
        super(message, cause);
        this.task = task;
        this.attempts = attempts;
    }

    /** {@code "index 42"}, {@code "key foo"}, or {@code "reducer"} when the reducer threw. */
    public String task() {
        return task;
    }

    /** Attempts made at the failing task; 0 when the reducer failed. */
    public int attempts() {
        return attempts;
    }
}
