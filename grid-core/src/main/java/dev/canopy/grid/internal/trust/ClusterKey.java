package dev.canopy.grid.internal.trust;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The cluster's shared secret, as the keys derived from it: whoever holds it may make members run
 * code and decode objects; whoever lacks it may not. Open-source Hazelcast has neither TLS nor
 * authentication, so this is what Canopy trusts instead of the network.
 *
 * <p>Every signature is an HMAC-SHA256 over a {@link Use}, a subject (the job id, so a signature
 * cannot be replayed for another job) and the exact bytes; the use keeps a signature made for one
 * purpose (a spec) from passing for another (a result). A key may come with previous keys, which
 * still verify but never sign: that is how a running cluster rotates its key (see the README).
 *
 * <p>The secret itself is kept only inside the {@link SecretKeySpec}s: it is never logged
 * ({@link #toString} shows a {@link #fingerprint}), exported or written to a map.
 *
 * <p>Threads: any; a {@link Mac} is not thread-safe, so each thread keeps its own per key.
 */
public final class ClusterKey {

    /** What a signature vouches for; part of what is signed. */
    public enum Use {
        /** A job's spec, with its shipped code's hashes, as submitted. */
        SPEC,
        /** A control message between members' engines. */
        MESSAGE,
        /** The order to stop a job's work. */
        CANCEL,
        /** A job's end in {@code canopy.results}. */
        RESULT,
        /** A sub-job's committed outcome. */
        COMMIT,
        /** A member's claim that it runs a Canopy engine with this key. */
        ENGINE,
        /** The bearer token of the HTTP API's writes. */
        HTTP
    }

    /** Shortest secret accepted: 32 characters carry 256 bits only if random, so this is a floor. */
    public static final int MIN_SECRET_CHARS = 32;
    public static final int MAC_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final ClusterKey NONE = new ClusterKey(List.of(), "none");

    /** The first signs; all verify. */
    private final List<ThreadLocal<Mac>> macs;
    private final String fingerprint;

    private ClusterKey(List<ThreadLocal<Mac>> macs, String fingerprint) {
        this.macs = macs;
        this.fingerprint = fingerprint;
    }

    /** No key: nothing is signed, and a member verifies nothing (a grid on loopback, as before keys). */
    public static ClusterKey none() {
        return NONE;
    }

    /**
     * A key from its secret and, during a rotation, the previous secrets that still verify.
     *
     * @param source where the secret came from, for the error ("CANOPY_CLUSTER_KEY", a file's path)
     * @throws IllegalArgumentException naming the source when a secret is shorter than {@value #MIN_SECRET_CHARS} characters
     */
    public static ClusterKey of(String secret, List<String> previous, String source) {
        List<ThreadLocal<Mac>> macs = new ArrayList<>();
        List<String> all = new ArrayList<>();
        all.add(secret);
        all.addAll(previous);
        for (String s : all) {
            String trimmed = s == null ? "" : s.strip();
            if (trimmed.length() < MIN_SECRET_CHARS) {
                throw new IllegalArgumentException("the cluster key from " + source + " has " + trimmed.length()
                        + " characters but needs at least " + MIN_SECRET_CHARS
                        + ": use a random one, such as the output of `openssl rand -base64 32`");
            }
            SecretKeySpec spec = new SecretKeySpec(trimmed.getBytes(StandardCharsets.UTF_8), ALGORITHM);
            macs.add(ThreadLocal.withInitial(() -> newMac(spec)));
        }
        ClusterKey key = new ClusterKey(List.copyOf(macs), "");
        return new ClusterKey(key.macs, HexFormat.of().formatHex(key.sign(Use.ENGINE, "fingerprint"), 0, 4));
    }

    public boolean isSet() {
        return !macs.isEmpty();
    }

    /**
     * A short, public name of the signing key (4 bytes of an HMAC of a constant): lets logs tell
     * which key a member holds without revealing it.
     */
    public String fingerprint() {
        return fingerprint;
    }

    /** The signature of {@code parts} for {@code use} and {@code subject}, with the current key. */
    public byte[] sign(Use use, String subject, byte[]... parts) {
        if (macs.isEmpty()) {
            throw new IllegalStateException("no cluster key is set, so nothing can be signed");
        }
        return compute(macs.get(0).get(), use, subject, parts);
    }

    /** Whether {@code signature} was made by the current or a previous key for exactly these parts. */
    public boolean verifies(byte[] signature, Use use, String subject, byte[]... parts) {
        if (signature == null || signature.length != MAC_BYTES) {
            return false;
        }
        for (ThreadLocal<Mac> mac : macs) {
            // constant time, so a forger cannot learn a signature byte by byte from how long a refusal takes
            if (MessageDigest.isEqual(signature, compute(mac.get(), use, subject, parts))) {
                return true;
            }
        }
        return false;
    }

    /** The bearer token that the HTTP API's writes need: derived, so the key itself never travels. */
    public String httpToken() {
        return HexFormat.of().formatHex(sign(Use.HTTP, "canopy-http-token-v1"));
    }

    /** Whether {@code token} is the HTTP token of the current or a previous key. */
    public boolean acceptsHttpToken(String token) {
        if (token == null) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(token.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return verifies(given, Use.HTTP, "canopy-http-token-v1");
    }

    private static byte[] compute(Mac mac, Use use, String subject, byte[]... parts) {
        mac.update(use.name().getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 0);
        byte[] subjectBytes = subject.getBytes(StandardCharsets.UTF_8);
        updateLength(mac, subjectBytes.length);
        mac.update(subjectBytes);
        for (byte[] part : parts) {
            // lengths make the concatenation unambiguous: ("ab", "c") never signs like ("a", "bc")
            updateLength(mac, part == null ? -1 : part.length);
            if (part != null) {
                mac.update(part);
            }
        }
        return mac.doFinal();
    }

    private static void updateLength(Mac mac, int length) {
        mac.update((byte) (length >>> 24));
        mac.update((byte) (length >>> 16));
        mac.update((byte) (length >>> 8));
        mac.update((byte) length);
    }

    private static Mac newMac(SecretKeySpec spec) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(spec);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute " + ALGORITHM + ", which every JVM must", e);
        }
    }

    @Override
    public String toString() {
        return isSet() ? "ClusterKey[" + fingerprint + "]" : "ClusterKey[none]";
    }
}
