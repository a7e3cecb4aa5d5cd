package dev.canopy.grid.internal.trust;

import java.util.Arrays;

/**
 * Bytes that carry their own signature: a marker, the HMAC, then the bytes as they were. A signed
 * spec so travels every path an unsigned one did (the submit call, the job record, a delegation)
 * without any of them knowing; only the member that is about to deserialize it opens it, and
 * refuses it unless it verifies for the job it is read for.
 *
 * <p>Without a key nothing is wrapped, and a member without a key refuses signed bytes with a
 * message that says so, rather than failing to parse them.
 */
public final class Signed {

    /** Not the start of Java serialization (0xACED) nor of anything else Canopy writes. */
    private static final byte[] MARKER = {'C', 'N', 'S', '1'};
    private static final int HEADER = MARKER.length + ClusterKey.MAC_BYTES;

    private Signed() {
    }

    /** {@code payload} signed for {@code use} and {@code subject}; unchanged when {@code key} is none. */
    public static byte[] sign(ClusterKey key, ClusterKey.Use use, String subject, byte[] payload) {
        if (!key.isSet()) {
            return payload;
        }
        byte[] mac = key.sign(use, subject, payload);
        byte[] out = new byte[HEADER + payload.length];
        System.arraycopy(MARKER, 0, out, 0, MARKER.length);
        System.arraycopy(mac, 0, out, MARKER.length, mac.length);
        System.arraycopy(payload, 0, out, HEADER, payload.length);
        return out;
    }

    /**
     * The payload of {@code bytes} once its signature verifies for {@code use} and {@code subject};
     * without a key, {@code bytes} as they are.
     *
     * @throws NotSignedException when they are unsigned, signed by another key or for another subject, or altered
     */
    public static byte[] open(ClusterKey key, ClusterKey.Use use, String subject, byte[] bytes) {
        boolean marked = isSigned(bytes);
        if (!key.isSet()) {
            if (marked) {
                throw new NotSignedException("it is signed with a cluster key, but this member has none: give every"
                        + " member the key (clusterKeyFile or CANOPY_CLUSTER_KEY)");
            }
            return bytes;
        }
        if (!marked) {
            throw new NotSignedException("not signed with this cluster's key");
        }
        byte[] mac = Arrays.copyOfRange(bytes, MARKER.length, HEADER);
        byte[] payload = Arrays.copyOfRange(bytes, HEADER, bytes.length);
        if (!key.verifies(mac, use, subject, payload)) {
            throw new NotSignedException("not signed with this cluster's key (its signature does not match its "
                    + "bytes for " + subject + ": another key, another job, or bytes changed after signing)");
        }
        return payload;
    }

    public static boolean isSigned(byte[] bytes) {
        return bytes != null && bytes.length >= HEADER && Arrays.equals(bytes, 0, MARKER.length, MARKER, 0,
                MARKER.length);
    }
}
