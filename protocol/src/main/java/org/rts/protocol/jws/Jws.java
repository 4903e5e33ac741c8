package org.rts.protocol.jws;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import org.rts.protocol.codec.Json;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.codec.StrictUtf8;
import org.rts.protocol.message.Reason;
import org.rts.protocol.pki.Keys;

/**
 * A JWS in compact serialization ({@code header.payload.signature}, RFC 7515) as received. The signing input is
 * taken from the received bytes, never re-encoded, so what is verified is exactly what arrived.
 *
 * <p>Only one byte string is accepted per message: each part must be canonical unpadded base64url (no spare bits
 * set), the header exactly as {@link Es256Signer} writes it, and the signature's {@code s} in the lower half of
 * the curve order (low-S). Anything else could be re-encoded by a third party into a second valid-looking message
 * with another hash, so it is {@link Reason#MALFORMED}.
 */
public record Jws(JwsHeader header, byte[] signingInput, byte[] payload, byte[] signature) {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final BigInteger N = Keys.DOMAIN.getN();
    private static final BigInteger HALF_N = N.shiftRight(1);

    /** Parses compact JWS bytes; throws {@link MalformedMessageException} naming what is wrong. */
    public static Jws parse(byte[] compact) {
        int first = indexOf(compact, 0);
        int second = first < 0 ? -1 : indexOf(compact, first + 1);
        if (first < 0 || second < 0 || indexOf(compact, second + 1) >= 0) {
            throw malformed("not a JWS compact message (expected 3 parts)");
        }
        byte[] headerJson = decode(compact, 0, first, "header");
        byte[] payload = decode(compact, first + 1, second, "payload");
        byte[] signature = decode(compact, second + 1, compact.length, "signature");
        JwsHeader header;
        try {
            header = Json.mapper().readValue(StrictUtf8.decode(headerJson, "JWS header"), JwsHeader.class);
        } catch (MalformedMessageException e) {
            throw e;
        } catch (Exception e) {
            throw malformed("JWS header is not a valid ES256 header: " + rootMessage(e));
        }
        if (!Arrays.equals(headerJson, JwsHeader.encode(header))) {
            throw malformed("JWS header is not in canonical form (expected "
                    + new String(JwsHeader.encode(header), StandardCharsets.UTF_8) + ")");
        }
        if (signature.length != 64) {
            throw malformed("ES256 signature must be 64 bytes, found: " + signature.length);
        }
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        if (r.signum() == 0 || r.compareTo(N) >= 0 || s.signum() == 0) {
            throw malformed("ES256 signature values are out of range");
        }
        if (s.compareTo(HALF_N) > 0) {
            throw malformed("ES256 signature is not in low-S form (s > n/2): the same signature has one"
                    + " encoding only");
        }
        byte[] signingInput = Arrays.copyOf(compact, second);
        return new Jws(header, signingInput, payload, signature);
    }

    /** {@code s} of the signature, always at most n/2. */
    public BigInteger s() {
        return new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    }

    /** base64url(SHA-256(bytes)): the hash that names a message in the hash chain and in receipts. */
    public static String hash(byte[] bytes) {
        return B64.encodeToString(sha256(bytes));
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** Unpadded base64url. */
    public static String encode(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The curve order's upper half is folded down: {@code s} or {@code n - s}, whichever is smaller. */
    static BigInteger lowS(BigInteger s) {
        return s.compareTo(HALF_N) > 0 ? N.subtract(s) : s;
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '.') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] decode(byte[] compact, int from, int to, String part) {
        for (int i = from; i < to; i++) {
            byte b = compact[i];
            boolean ok = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-'
                    || b == '_';
            if (!ok) {
                throw malformed("JWS " + part + " is not base64url (byte " + (b & 0xFF) + " at offset " + i + ")");
            }
        }
        byte[] text = Arrays.copyOfRange(compact, from, to);
        byte[] bytes;
        try {
            bytes = B64D.decode(text);
        } catch (IllegalArgumentException e) {
            throw malformed("JWS " + part + " is not base64url: " + e.getMessage());
        }
        // a last character with spare bits set decodes to the same bytes: only the canonical text is accepted
        if (!Arrays.equals(text, B64.encode(bytes))) {
            throw malformed("JWS " + part + " is not canonical base64url (spare bits set in its last character)");
        }
        return bytes;
    }

    private static MalformedMessageException malformed(String detail) {
        return new MalformedMessageException(Reason.MALFORMED, detail);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
