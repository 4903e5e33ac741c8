package org.rts.hub.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.rts.protocol.pki.Keys;

/**
 * Other byte strings for the same signed message, as a third party could make them without the key: a high-S
 * twin of the signature, and base64url with spare bits set. The hub must refuse both as malformed.
 */
public final class Variants {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private Variants() {
    }

    /** The same message with its signature's {@code s} replaced by {@code n - s}: still a valid ECDSA signature. */
    public static byte[] highS(byte[] message) {
        String compact = new String(message, StandardCharsets.US_ASCII);
        int dot = compact.lastIndexOf('.');
        byte[] signature = Base64.getUrlDecoder().decode(compact.substring(dot + 1));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        byte[] twin = Keys.DOMAIN.getN().subtract(s).toByteArray();
        Arrays.fill(signature, 32, 64, (byte) 0);
        int length = Math.min(32, twin.length);
        System.arraycopy(twin, twin.length - length, signature, 64 - length, length);
        return (compact.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(signature))
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The same message with a spare bit set in the signature's last base64url character (decodes identically). */
    public static byte[] spareBits(byte[] message) {
        String compact = new String(message, StandardCharsets.US_ASCII);
        char last = compact.charAt(compact.length() - 1);
        char twin = ALPHABET.charAt(ALPHABET.indexOf(last) ^ 1);
        return (compact.substring(0, compact.length() - 1) + twin).getBytes(StandardCharsets.US_ASCII);
    }
}
