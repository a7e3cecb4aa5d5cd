package dev.canopy.grid.internal.code;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A code set's id is the SHA-256 of its entries' hashes joined by ',': same hashes in the same order, same id. */
class CodeSetTest {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    @Test
    void whenTwoSetsHoldTheSameHashesUnderOtherNames_thenTheyShareAnId() {
        // given
        CodeSet one = new CodeSet(List.of(new CodeEntry(A, "app.jar", 1), new CodeEntry(B, "lib.jar", 2)));
        CodeSet two = new CodeSet(List.of(new CodeEntry(A, "classes", 1), new CodeEntry(B, "lib-1.0.jar", 2)));

        // when
        String id = one.id();

        // then: the SHA-256 of "aaa…a,bbb…b"
        assertEquals("b1da1a1755748f4703baeaa4ae58e2f42a25bd33aa67a0db9fd84d6b8767c492", id);
        assertEquals(id, two.id());
        assertNotEquals(id, new CodeSet(List.of(new CodeEntry(B, "lib.jar", 2), new CodeEntry(A, "app.jar", 1))).id());
    }

    @Test
    void whenASetHoldsNoEntries_thenItIsEmpty() {
        // given
        CodeSet none = new CodeSet(List.of());

        // when
        boolean empty = none.isEmpty();

        // then: the id of no entries is the SHA-256 of nothing
        assertTrue(empty);
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", none.id());
    }
}
