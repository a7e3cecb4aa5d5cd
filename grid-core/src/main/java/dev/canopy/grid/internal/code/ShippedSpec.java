package dev.canopy.grid.internal.code;

import java.io.Serializable;

/**
 * A job's spec as it travels when the job ships code: the code set, readable with the node's own
 * classes, around the spec's bytes, readable only with the job's loader. Members read the code set
 * first, build (or reuse) the loader for it, and only then read the spec; every path that carries a
 * job's spec (the job record, delegations) carries this as it carries any spec, so none of them
 * needs to know about code.
 *
 * @param code the entries the job ships
 * @param spec the job's spec, Java-serialized by the submitter
 */
public record ShippedSpec(CodeSet code, byte[] spec) implements Serializable {
}
