package dev.canopy.grid.internal.code;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The classes a class file names, read from its constant pool (every {@code CONSTANT_Class}, and the
 * types in every field, method and method-type descriptor) and from its own fields' and methods'
 * descriptors: what the class may load when it runs. Java 17 has no class-file API and Canopy no ASM,
 * so this reads the format (JVMS 4.1-4.6) directly, and only as far as the methods' descriptors.
 *
 * <p>Names come back in binary form ({@code com.acme.Foo}, {@code com.acme.Outer$Inner}), array types
 * reduced to their element class, primitives left out.
 */
final class ClassRefs {

    private static final int MAGIC = 0xCAFEBABE;

    private ClassRefs() {
    }

    /**
     * @param what names the class file in an error, e.g. {@code com/acme/Foo.class in /libs/acme.jar}
     * @throws IOException when {@code classFile} is not a well-formed class file
     */
    static Set<String> of(byte[] classFile, String what) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        try {
            if (in.readInt() != MAGIC) {
                throw new IOException(what + " is not a class file: it does not start with 0xCAFEBABE");
            }
            in.readUnsignedShort(); // minor version
            in.readUnsignedShort(); // major version
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            List<Integer> classNames = new ArrayList<>();
            List<Integer> descriptors = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();                              // Utf8
                    case 3, 4 -> in.readInt();                                    // Integer, Float
                    case 5, 6 -> {                                                // Long, Double: two slots
                        in.readLong();
                        i++;
                    }
                    case 7 -> classNames.add(in.readUnsignedShort());             // Class
                    case 8, 16 -> {                                               // String, MethodType
                        int index = in.readUnsignedShort();
                        if (tag == 16) {
                            descriptors.add(index);
                        }
                    }
                    case 9, 10, 11, 17, 18 -> in.readInt();                       // member refs, (Invoke)Dynamic
                    case 12 -> {                                                  // NameAndType
                        in.readUnsignedShort();
                        descriptors.add(in.readUnsignedShort());
                    }
                    case 15 -> {                                                  // MethodHandle
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    case 19, 20 -> in.readUnsignedShort();                        // Module, Package
                    default -> throw new IOException(what + " has an unknown constant-pool tag " + tag
                            + " at index " + i + ": is it newer than this JVM reads?");
                }
            }
            in.readUnsignedShort(); // access flags
            in.readUnsignedShort(); // this class
            in.readUnsignedShort(); // super class: a CONSTANT_Class, already listed
            int interfaces = in.readUnsignedShort();
            in.skipNBytes(2L * interfaces);
            for (int members = 0; members < 2; members++) { // fields, then methods
                int n = in.readUnsignedShort();
                for (int m = 0; m < n; m++) {
                    in.readUnsignedShort(); // access flags
                    in.readUnsignedShort(); // name
                    descriptors.add(in.readUnsignedShort());
                    int attributes = in.readUnsignedShort();
                    for (int a = 0; a < attributes; a++) {
                        in.readUnsignedShort();
                        in.skipNBytes(Integer.toUnsignedLong(in.readInt()));
                    }
                }
            }
            Set<String> names = new LinkedHashSet<>();
            for (int index : classNames) {
                String name = utf8At(utf8, index, what);
                if (name.startsWith("[")) {
                    addDescriptorTypes(name, names);
                } else {
                    names.add(name.replace('/', '.'));
                }
            }
            for (int index : descriptors) {
                addDescriptorTypes(utf8At(utf8, index, what), names);
            }
            return names;
        } catch (java.io.EOFException e) {
            throw new IOException(what + " is truncated: it ends inside its constant pool or members", e);
        }
    }

    /** Adds each {@code Lname;} of a field or method descriptor; other characters are primitives or arrays. */
    static void addDescriptorTypes(String descriptor, Set<String> names) {
        int i = 0;
        while (i < descriptor.length()) {
            if (descriptor.charAt(i) == 'L') {
                int end = descriptor.indexOf(';', i);
                if (end < 0) {
                    return;
                }
                names.add(descriptor.substring(i + 1, end).replace('/', '.'));
                i = end + 1;
            } else {
                i++;
            }
        }
    }

    private static String utf8At(String[] utf8, int index, String what) throws IOException {
        if (index <= 0 || index >= utf8.length || utf8[index] == null) {
            throw new IOException(what + " refers to constant-pool entry " + index + ", which is not a Utf8 entry");
        }
        return utf8[index];
    }
}
