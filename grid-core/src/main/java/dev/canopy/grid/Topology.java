package dev.canopy.grid;

import java.io.Serializable;
import java.util.List;

/** The grid's members, oldest first. */
public record Topology(List<MemberInfo> members) implements Serializable {
}
