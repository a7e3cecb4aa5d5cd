package dev.canopy.grid.internal.code;

import dev.canopy.grid.CompiledCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader of class files names every class a class may load: from code, fields, signatures, arrays. */
class ClassRefsTest {

    @TempDir
    Path tmp;

    @Test
    void whenClassNamesTypesInCodeFieldsAndSignatures_thenEachIsListedInBinaryForm() throws Exception {
        // given
        Path dir = CompiledCode.classes(tmp, Map.of(
                "p.Uses", """
                        package p;
                        public class Uses {
                            Field[] fields;                                // a field's type, as an array
                            Param method(Param p) { return p; }            // a method's descriptor only
                            Object code() { return new Created(); }        // code
                            Class<?> literal() { return Literal.class; }   // a class literal
                            void inner() { new Outer.Inner(); }            // a nested class
                        }""",
                "p.Field", "package p; public class Field { }",
                "p.Param", "package p; public class Param { }",
                "p.Created", "package p; public class Created { }",
                "p.Literal", "package p; public class Literal { }",
                "p.Outer", "package p; public class Outer { public static class Inner { } }"));

        // when
        Set<String> names = ClassRefs.of(Files.readAllBytes(dir.resolve("p/Uses.class")), "p/Uses.class");

        // then
        assertTrue(names.containsAll(Set.of("p.Uses", "p.Field", "p.Param", "p.Created", "p.Literal",
                "p.Outer$Inner", "java.lang.Object", "java.lang.Class")), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.contains("/") || n.startsWith("[") || n.endsWith(";")),
                names.toString());
    }

    @Test
    void whenNotAClassFile_thenErrorNamesIt() {
        // given
        byte[] text = "hello, world".getBytes();

        // when
        IOException e = assertThrows(IOException.class, () -> ClassRefs.of(text, "a/B.class in x.jar"));

        // then
        assertEquals("a/B.class in x.jar is not a class file: it does not start with 0xCAFEBABE", e.getMessage());
    }

    @Test
    void whenClassFileIsTruncated_thenErrorNamesIt() throws Exception {
        // given
        Path dir = CompiledCode.classes(tmp, Map.of("p.Small", "package p; public class Small { int x; }"));
        byte[] whole = Files.readAllBytes(dir.resolve("p/Small.class"));
        byte[] cut = java.util.Arrays.copyOf(whole, 40);

        // when
        IOException e = assertThrows(IOException.class, () -> ClassRefs.of(cut, "p/Small.class"));

        // then
        assertEquals("p/Small.class is truncated: it ends inside its constant pool or members", e.getMessage());
    }
}
