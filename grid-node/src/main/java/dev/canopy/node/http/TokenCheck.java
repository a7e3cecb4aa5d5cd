package dev.canopy.node.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;

/**
 * The bearer token a request must carry ({@code Authorization: Bearer <token>}): for cancelling a
 * job whenever the node has a cluster key, and for every read when {@code httpReadsNeedToken} is
 * set too. The token is {@code GridConfig.httpToken()}, derived from the key, so the key itself
 * never travels; without a key nothing needs a token. The comparison takes the same time however
 * much of a wrong token matches ({@link MessageDigest#isEqual}), so a guesser learns nothing from it.
 *
 * <p>Only the current key's token is accepted: after a rotation, fetch the new one with
 * {@code bin/grid token}. Immutable.
 */
final class TokenCheck {

    /** Sent with every 401, as RFC 6750 asks. */
    static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Bearer realm=\"canopy\"");
    static final TokenCheck NONE = new TokenCheck(null, false);

    private static final String FIX = "send Authorization: Bearer <token>; `bin/grid token` prints it";
    private static final String SCHEME = "bearer ";

    /** The token's bytes, or null when the node has no key. */
    private final byte[] token;
    private final boolean readsNeedToken;

    private TokenCheck(byte[] token, boolean readsNeedToken) {
        this.token = token;
        this.readsNeedToken = readsNeedToken;
    }

    /**
     * @param tokenOrNull    the node's token ({@code GridConfig.httpToken()}), null without a key
     * @param readsNeedToken whether reads need it too ({@code GridConfig.httpReadsNeedToken()})
     * @throws IllegalArgumentException when reads should need a token but there is none, naming both keys
     */
    static TokenCheck of(String tokenOrNull, boolean readsNeedToken) {
        if (tokenOrNull == null && readsNeedToken) {
            throw new IllegalArgumentException(StatusServer.READS_NEED_A_KEY);
        }
        if (tokenOrNull != null && tokenOrNull.isBlank()) {
            throw new IllegalArgumentException("the HTTP token must not be blank");
        }
        return new TokenCheck(tokenOrNull == null ? null : tokenOrNull.getBytes(StandardCharsets.UTF_8),
                readsNeedToken);
    }

    /** @throws HttpError 401 unless the node has no key or {@code request} carries its token */
    void requireForWrite(Request request, String what) {
        if (token != null) {
            require(request, what);
        }
    }

    /** @throws HttpError 401 when reads need the token and {@code request} lacks it */
    void requireForRead(Request request) {
        if (readsNeedToken) {
            require(request, "reading this node's status");
        }
    }

    private void require(Request request, String what) {
        String header = request.header("Authorization");
        if (header == null) {
            throw HttpError.unauthorized(what + " needs this node's token: " + FIX);
        }
        String value = header.strip();
        if (!value.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
            // nothing of the header is repeated: it may be a credential
            throw HttpError.unauthorized("Authorization is not a Bearer token: " + FIX);
        }
        byte[] given = value.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(token, given)) {
            throw HttpError.unauthorized("the token sent is not this node's: " + FIX);
        }
    }
}
