package dev.canopy.grid;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Job ids parse only from the canonical text they print as. */
class JobIdTest {

    @Test
    void whenIdIsPrintedAndParsed_thenItIsTheSameId() {
        // given
        JobId id = JobId.newId();

        // when / then: also upper case and with blanks around it
        assertEquals(id, JobId.parse(id.toString()));
        assertEquals(id, JobId.parse("  " + id.toString().toUpperCase() + " "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1-1-1-1-1", "3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d1", "not-a-job", "",
            "3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d13x", "3f2b9c1e0d4a4c7e9a512b6f0c8e7d13aaaa"})
    void whenTextIsNotACanonicalUuid_thenParseRefusesItNamingTheText(String text) {
        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobId.parse(text));

        // then
        assertEquals("job id must be a UUID like 3f2b9c1e-0d4a-4c7e-9a51-2b6f0c8e7d13 but was '" + text + "'",
                e.getMessage());
    }

    @Test
    void whenTextIsHuge_thenTheMessageShowsOnlyItsStart() {
        // given
        String huge = "x".repeat(100_000);

        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JobId.parse(huge));

        // then
        assertTrue(e.getMessage().length() < 200, "message length " + e.getMessage().length());
        assertTrue(e.getMessage().endsWith("x...'"), e.getMessage());
    }
}
