package dev.canopy.examples;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExamplesTest {

    @Test
    void whenListed_thenEveryExampleHasAUniqueNameAndADescription() {
        List<Example> all = Examples.all();
        Set<String> names = all.stream().map(Example::name).collect(Collectors.toSet());

        assertEquals(List.of("pi", "wordcount", "pipeline", "sort", "nested", "embedded"),
                all.stream().map(Example::name).toList());
        assertEquals(all.size(), names.size());
        all.forEach(e -> assertFalse(e.description().isBlank(), e.name()));
    }

    @Test
    void whenLookedUpByName_thenTheExampleIsFoundOrEmpty() {
        assertSame(Examples.all().get(0), Examples.named("pi").orElseThrow());
        assertTrue(Examples.named("sort").orElseThrow() instanceof SortExample);
        assertTrue(Examples.named("no-such-example").isEmpty());
    }
}
