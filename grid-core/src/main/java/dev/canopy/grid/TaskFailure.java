package dev.canopy.grid;

import java.io.Serializable;

/**
 * A task that failed for good: every attempt threw.
 *
 * @param task     which task: {@code "index 42"} or {@code "key foo"}
 * @param attempts how many times it ran
 * @param error    the last exception's class and message
 */
public record TaskFailure(String task, int attempts, String error) implements Serializable {
}
