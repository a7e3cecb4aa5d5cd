package dev.canopy.grid.internal.spec;

import dev.canopy.grid.Bombs;
import dev.canopy.grid.Reducers;
import org.junit.jupiter.api.Test;

import java.io.ObjectInputFilter;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What Canopy decodes itself ({@link Codec#deserialize}: specs, results, partials) is refused past
 * its bounds ({@link DecodeBounds}), with a message naming the bound and the value that passed it;
 * a value within them is decoded whole. (A job whose task returns a bomb: {@code DecodeBombTest}.)
 */
class DecodeBoundsTest {

    private static final ClassLoader LOADER = DecodeBoundsTest.class.getClassLoader();

    @Test
    void whenASpecCapturesANestedSetBomb_thenDecodingRefusesItAtTheDepthBound() {
        // given: the probe, a hundred levels of nested sets (about 3.5 KB), in a task's lambda
        Set<Object> bomb = Bombs.nestedSets(100);
        byte[] spec = Codec.serialize(new JobSpec<>(new JobSource.IndexRange<>(0, 1, (i, ctx) -> bomb.size()),
                Reducers.sumLong(), new JobSpec.Settings("bomb", 2, 0, 3, 0, 0, 0)), "job 'bomb'");

        // when
        Codec.Refused refused = assertThrows(Codec.Refused.class, () -> Codec.deserialize(spec, LOADER));

        // then
        assertEquals("depth 21 exceeds the bound 20 (a value nested that deep is refused as a possible"
                + " deserialization bomb)", refused.getMessage());
    }

    @Test
    void whenAValueNestsExactlyToTheDepthBound_thenItIsDecodedWhole() {
        // given
        byte[] bytes = Codec.serialize(Bombs.chain(DecodeBounds.MAX_DEPTH), "a chain");

        // when
        Bombs.Link read = (Bombs.Link) Codec.deserialize(bytes, LOADER);

        // then
        assertEquals(20L * 21 / 2, read.sum());
    }

    @Test
    void whenAValueNestsOneLevelPastTheDepthBound_thenDecodingRefusesItNamingTheDepth() {
        // given
        byte[] bytes = Codec.serialize(Bombs.chain(DecodeBounds.MAX_DEPTH + 1), "a chain");

        // when
        Codec.Refused refused = assertThrows(Codec.Refused.class, () -> Codec.deserialize(bytes, LOADER));

        // then
        assertEquals("depth 21 exceeds the bound 20 (a value nested that deep is refused as a possible"
                + " deserialization bomb)", refused.getMessage());
    }

    @Test
    void whenBytesClaimAnArrayLongerThanTheyCouldFill_thenDecodingRefusesItBeforeAllocatingIt() {
        // given: a byte[16] whose length, the four bytes before its elements, now claims 2^30
        byte[] bytes = Codec.serialize(new byte[16], "an array");
        int length = bytes.length - 16 - 4;
        bytes[length] = 0x40;
        bytes[length + 1] = 0;
        bytes[length + 2] = 0;
        bytes[length + 3] = 0;

        // when
        Codec.Refused refused = assertThrows(Codec.Refused.class, () -> Codec.deserialize(bytes, LOADER));

        // then
        assertEquals("an array of 1073741824 elements exceeds the bound 65536 (8 per byte of the value: a longer one"
                + " could not be filled, so it is refused as a possible deserialization bomb)", refused.getMessage());
    }

    @Test
    void whenAStreamHoldsMoreObjectsThanTheBound_thenTheFilterRefusesItNamingTheCount() {
        // given: the filter's view of a stream at its 2^25 + 1st object (a stream that large is 160 MB or more)
        DecodeBounds bounds = new DecodeBounds(200 << 20);

        // when
        ObjectInputFilter.Status status = bounds.checkInput(info(3, (1L << 25) + 1, -1, 150 << 20));

        // then
        assertEquals(ObjectInputFilter.Status.REJECTED, status);
        assertEquals("33554433 objects and references exceed the bound 33554432 (a value of that many objects is"
                + " refused as a possible deserialization bomb)", bounds.refusal());
    }

    @Test
    void whenBytesAreMoreThanTheByteBound_thenTheyAreRefusedBeforeAnythingIsRead() {
        // when
        String refusal = DecodeBounds.refuseSize((1L << 30) + 1);

        // then
        assertEquals("1073741825 bytes exceed the bound 1073741824 (a value that large is refused: it would take"
                + " many times as much memory to decode)", refusal);
        assertNull(DecodeBounds.refuseSize(1L << 30));
    }

    private static ObjectInputFilter.FilterInfo info(long depth, long references, long arrayLength, long streamBytes) {
        return new ObjectInputFilter.FilterInfo() {
            @Override public Class<?> serialClass() { return null; }
            @Override public long arrayLength() { return arrayLength; }
            @Override public long depth() { return depth; }
            @Override public long references() { return references; }
            @Override public long streamBytes() { return streamBytes; }
        };
    }
}
