package org.rts.protocol.jws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.rts.protocol.codec.Json;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.message.Reason;

/**
 * A JWS in compact serialization ({@code header.payload.signature}, RFC 7515) as received. The signing input is
 * taken from the received bytes, never re-encoded, so what is verified is exactly what arrived.
 */
public record Jws(JwsHeader header, byte[] signingInput, byte[] payload, byte[] signature) {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** Parses compact JWS bytes; throws {@link MalformedMessageException} naming what is wrong. */
    public static Jws parse(byte[] compact) {
        int first = indexOf(compact, 0);
        int second = first < 0 ? -1 : indexOf(compact, first + 1);
        if (first < 0 || second < 0 || indexOf(compact, second + 1) >= 0) {
            throw new MalformedMessageException(Reason.MALFORMED, "not a JWS compact message (expected 3 parts)");
        }
        byte[] headerJson = decode(compact, 0, first, "header");
        byte[] payload = decode(compact, first + 1, second, "payload");
        byte[] signature = decode(compact, second + 1, compact.length, "signature");
        JwsHeader header;
        try {
            header = Json.mapper().readValue(headerJson, JwsHeader.class);
        } catch (Exception e) {
            throw new MalformedMessageException(Reason.MALFORMED, "JWS header is not a valid ES256 header: "
                    + rootMessage(e));
        }
        if (signature.length != 64) {
            throw new MalformedMessageException(Reason.MALFORMED,
                    "ES256 signature must be 64 bytes, found: " + signature.length);
        }
        byte[] signingInput = java.util.Arrays.copyOf(compact, second);
        return new Jws(header, signingInput, payload, signature);
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

    static String encode(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
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
                throw new MalformedMessageException(Reason.MALFORMED,
                        "JWS " + part + " is not base64url (byte " + (b & 0xFF) + " at offset " + i + ")");
            }
        }
        try {
            return B64D.decode(java.util.Arrays.copyOfRange(compact, from, to));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(Reason.MALFORMED, "JWS " + part + " is not base64url: "
                    + e.getMessage());
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
