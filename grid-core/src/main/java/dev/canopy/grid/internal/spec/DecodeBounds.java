package dev.canopy.grid.internal.spec;

import java.io.ObjectInputFilter;

/**
 * The bounds on what Canopy Java-deserializes itself ({@link Codec#deserialize}: job specs, and
 * the values of jobs, their results and partials): a filter on one stream, which refuses a value
 * past any of them before it is built, and says which bound it passed and by how much.
 *
 * <p>Why bounds: a few kilobytes of serialized bytes can hold a value that costs minutes of CPU or
 * gigabytes of memory to build. The classic is a "deserialization bomb" of sets nested inside each
 * other and sharing their elements: each level doubles the work of hashing them, so a set nested
 * {@code d} deep costs about {@code 2^d} steps to read. Another is a stream that names an array of
 * two billion elements, which is allocated before its first element is read.
 *
 * <p>The bounds, chosen so that no job of ours or of the examples comes near them:
 * <ul>
 *   <li>{@linkplain #MAX_DEPTH depth} 20: how deeply objects nest (an object in a field, an element,
 *       a lambda's captured argument). Every spec and value of Canopy's test suites and examples
 *       nests at most 7 deep (a spec: the spec, its source, the task's lambda, its captured
 *       arguments, what they hold). A bomb's cost doubles with each level: one of sets nested 26
 *       deep took 22 s to read on a developer's machine, so a bound of 50 would let through one
 *       that never ends, while at 20 the worst costs about 2^19 steps, a fraction of a second. The
 *       JDK bounds the depth of what its RMI registry reads at 20 as well. The price: a value
 *       nested deeper, such as a chain of more than about 18 linked objects or a tree of more than
 *       about 9 levels of nodes holding lists of children, is refused, with a message saying so;
 *       write such a structure flat, as the JDK's {@code LinkedList} writes itself as a sequence of
 *       elements ({@code writeReplace} to a list).</li>
 *   <li>{@linkplain #MAX_REFS objects and references} 2^25: more than a value of {@code
 *       maxResultBytes}'s default (64 MiB) can hold, as each costs at least 5 bytes of the stream.</li>
 *   <li>array length: at most 8 elements per byte decoded, and at least {@value #MIN_ARRAY}: an
 *       array needs a byte per element or more, a hash table (which the JDK's collections check as
 *       an array) at most 8 slots per entry, so only a length that the bytes could never fill,
 *       claimed to make the reader allocate it, is refused.</li>
 *   <li>{@linkplain #MAX_BYTES bytes} 1 GiB, 16 times {@code maxResultBytes}'s default; checked before
 *       anything is read.</li>
 * </ul>
 *
 * <p>The JDK's pattern filter ({@code ObjectInputFilter.Config.createFilter("maxdepth=...")})
 * makes the same four comparisons but answers only "rejected", so they are made here, where the
 * refusal can name the bound. A JVM-wide filter ({@code jdk.serialFilter}) still applies: Canopy's
 * is merged with it. One instance per stream; not thread-safe, as a stream is read by one thread.
 */
final class DecodeBounds implements ObjectInputFilter {

    /** Deepest nesting of objects decoded; see the class comment. */
    static final int MAX_DEPTH = 20;
    /** Most objects and references to them in one decoded value. */
    static final long MAX_REFS = 1L << 25;
    /** Most bytes decoded as one value. */
    static final long MAX_BYTES = 1L << 30;
    /** The array bound of small inputs. */
    static final long MIN_ARRAY = 1L << 16;

    private final long maxArray;
    /** Why the value was refused, once it was; else null. */
    private String refusal;

    /** Bounds for a value of {@code inputBytes} bytes. */
    DecodeBounds(long inputBytes) {
        this.maxArray = Math.max(MIN_ARRAY, 8 * inputBytes);
    }

    /** Why a value of {@code inputBytes} is refused before it is read, or null when it is not. */
    static String refuseSize(long inputBytes) {
        return inputBytes > MAX_BYTES ? inputBytes + " bytes exceed the bound " + MAX_BYTES
                + " (a value that large is refused: it would take many times as much memory to decode)" : null;
    }

    @Override
    public Status checkInput(FilterInfo info) {
        if (refusal == null) {
            refusal = refusal(info);
        }
        return refusal == null ? Status.UNDECIDED : Status.REJECTED;
    }

    /** Why the value was refused, or null while it was not. */
    String refusal() {
        return refusal;
    }

    private String refusal(FilterInfo info) {
        if (info.depth() > MAX_DEPTH) {
            return "depth " + info.depth() + " exceeds the bound " + MAX_DEPTH
                    + " (a value nested that deep is refused as a possible deserialization bomb)";
        }
        if (info.references() > MAX_REFS) {
            return info.references() + " objects and references exceed the bound " + MAX_REFS
                    + " (a value of that many objects is refused as a possible deserialization bomb)";
        }
        if (info.arrayLength() > maxArray) {
            return "an array of " + info.arrayLength() + " elements exceeds the bound " + maxArray
                    + " (8 per byte of the value: a longer one could not be filled, so it is refused as a"
                    + " possible deserialization bomb)";
        }
        if (info.streamBytes() > MAX_BYTES) {
            return info.streamBytes() + " bytes exceed the bound " + MAX_BYTES
                    + " (a value that large is refused: it would take many times as much memory to decode)";
        }
        return null;
    }
}
