package org.example;

import java.io.Serializable;

/** A user's own value type, of a package outside Canopy's serialization allow-list. */
public record UserPoint(long x, long y) implements Serializable {
}
