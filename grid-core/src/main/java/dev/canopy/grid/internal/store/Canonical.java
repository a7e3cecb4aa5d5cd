package dev.canopy.grid.internal.store;

import dev.canopy.grid.TaskFailure;
import dev.canopy.grid.internal.spec.Codec;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The bytes a seal of a record covers: what a reader acts on, written field by field in one fixed
 * way, rather than the bytes Hazelcast stored (a value read back need not serialize to the same
 * bytes again). User values are covered as their bytes ({@link UserValue}), scalars and strings as
 * type and text, errors as the types and messages of their chain (not their stack traces, which
 * change nothing a reader does).
 */
final class Canonical {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    private final DataOutputStream out = new DataOutputStream(bytes);

    byte[] bytes() {
        return bytes.toByteArray();
    }

    Canonical number(long value) {
        try {
            out.writeLong(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Canonical text(String text) {
        try {
            if (text == null) {
                out.writeInt(-1);
            } else {
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Canonical raw(byte[] value) {
        try {
            out.writeInt(value.length);
            out.write(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Canonical value(Object value) {
        if (value instanceof UserValue user) {
            return number(1).raw(user.bytes());
        }
        if (value == null || UserValue.isScalar(value) || value instanceof String) {
            return number(2).text(value == null ? null : value.getClass().getName())
                    .text(value == null ? null : value.toString());
        }
        // a value Hazelcast serializes itself: its Java serialization stands for it
        return number(3).raw(Codec.serialize(value, "a value to seal"));
    }

    Canonical error(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 32; t = t.getCause() == t ? null : t.getCause(), depth++) {
            number(1).text(t.getClass().getName()).text(t.getMessage());
        }
        return number(0);
    }

    Canonical failures(List<TaskFailure> failures) {
        number(failures == null ? -1 : failures.size());
        if (failures != null) {
            for (TaskFailure f : failures) {
                failure(f);
            }
        }
        return this;
    }

    private Canonical failure(TaskFailure f) {
        return text(f.task()).number(f.attempts()).text(f.error());
    }

    Canonical pieces(List<Piece> pieces) {
        number(pieces == null ? -1 : pieces.size());
        if (pieces == null) {
            return this;
        }
        for (Piece piece : pieces) {
            if (piece instanceof Piece.Partial p) {
                number(1).value(p.value());
            } else if (piece instanceof Piece.Hole h) {
                List<UUID> tried = new ArrayList<>(h.triedOn() == null ? List.of() : h.triedOn());
                tried.sort(null);
                number(2).value(h.task()).text(h.label()).number(h.attempts()).text(tried.toString()).error(h.error());
            } else if (piece instanceof Piece.Failed f) {
                number(3);
                failure(f.failure()).error(f.error());
            } else if (piece instanceof Piece.Retried r) {
                number(4).pieces(r.outcome());
            }
        }
        return this;
    }
}
