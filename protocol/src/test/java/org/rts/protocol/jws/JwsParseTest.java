package org.rts.protocol.jws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.pki.Keys;

/** What the parser lets through, edge by edge: parts, alphabet, signature values. */
class JwsParseTest {
    private static final BigInteger N = Keys.DOMAIN.getN();
    private static final BigInteger HALF = N.shiftRight(1);
    private final String signed = new Es256Signer((ECPrivateKeyParameters) Keys.generate().getPrivate(), "dev-1",
            Jws.hash("cert".getBytes())).sign("{}".getBytes(StandardCharsets.UTF_8));
    private final String signingInput = signed.substring(0, signed.lastIndexOf('.'));

    private static String refused(String compact) {
        return assertThrows(MalformedMessageException.class,
                () -> Jws.parse(compact.getBytes(StandardCharsets.US_ASCII))).getMessage();
    }

    private String withSignature(BigInteger r, BigInteger s) {
        byte[] sig = new byte[64];
        put(r, sig, 0);
        put(s, sig, 32);
        return signingInput + "." + Jws.encode(sig);
    }

    private static void put(BigInteger v, byte[] out, int at) {
        byte[] b = v.toByteArray();
        int skip = Math.max(0, b.length - 32);
        System.arraycopy(b, skip, out, at + 32 - (b.length - skip), b.length - skip);
    }

    @Test
    void three_parts_exactly() {
        for (String bad : new String[] {"", "abc", ".", "a.b", "a.b.c.d", "...."}) {
            assertTrue(refused(bad).contains("expected 3 parts"), bad);
        }
        assertEquals("JWS header is not a valid ES256 header: No content to map due to end-of-input",
                refused(".e30.AAAA").lines().findFirst().orElseThrow());
    }

    @Test
    void each_part_is_base64url_of_its_own_alphabet_only() {
        String payload = signed.substring(signed.indexOf('.') + 1, signed.lastIndexOf('.'));
        for (char c : new char[] {'+', '/', '=', ' ', '@', '[', '`', '{', ':'}) {
            String bad = signed.substring(0, signed.indexOf('.') + 1) + c + payload.substring(1)
                    + signed.substring(signed.lastIndexOf('.'));
            assertTrue(refused(bad).contains("is not base64url (byte " + (int) c + " at offset "), String.valueOf(c));
        }
        assertEquals(signed.length(), signed.getBytes(StandardCharsets.US_ASCII).length);
        Jws.parse(signed.getBytes(StandardCharsets.US_ASCII)); // A-Z a-z 0-9 - _ all pass
        assertTrue(refused(signingInput + "." + Jws.encode(new byte[63])).contains("must be 64 bytes"));
        assertTrue(refused(signingInput + "." + "A").contains("not base64url"));
    }

    @Test
    void signature_values_lie_in_range_and_s_in_the_lower_half() {
        BigInteger one = BigInteger.ONE;
        assertEquals(HALF, Jws.parse(withSignature(one, HALF).getBytes(StandardCharsets.US_ASCII)).s());
        assertTrue(refused(withSignature(one, HALF.add(one))).contains("low-S"));
        Jws.parse(withSignature(N.subtract(one), one).getBytes(StandardCharsets.US_ASCII));
        assertTrue(refused(withSignature(N, one)).contains("out of range"));
        assertTrue(refused(withSignature(BigInteger.ZERO, one)).contains("out of range"));
        assertTrue(refused(withSignature(one, BigInteger.ZERO)).contains("out of range"));
    }

    @Test
    void folding_to_low_s_keeps_the_lower_half_and_mirrors_the_upper() {
        assertEquals(HALF, Jws.lowS(HALF));
        assertEquals(N.subtract(HALF.add(BigInteger.ONE)), Jws.lowS(HALF.add(BigInteger.ONE)));
        assertEquals(BigInteger.ONE, Jws.lowS(BigInteger.ONE));
    }
}
