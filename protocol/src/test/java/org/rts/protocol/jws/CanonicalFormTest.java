package org.rts.protocol.jws;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.rts.protocol.Fixtures;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.pki.Keys;

/** One meaning, one byte string: every other encoding of a valid message is refused as malformed. */
class CanonicalFormTest {
    private static final BigInteger N = Keys.DOMAIN.getN();
    private final Es256Signer signer = new Es256Signer((ECPrivateKeyParameters) Keys.generate().getPrivate(),
            "dev-0001", Jws.hash("certificate".getBytes()));
    private final String genuine = signer.sign(MessageCodec.encode(Fixtures.result(List.of(200, 190), 400, 10)));

    private static MalformedMessageException refused(String compact) {
        return assertThrows(MalformedMessageException.class,
                () -> Jws.parse(compact.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void the_signer_writes_low_s_signatures_only() {
        for (int i = 0; i < 200; i++) {
            String compact = signer.sign(("payload " + i).getBytes(StandardCharsets.UTF_8));
            assertTrue(Jws.parse(compact.getBytes(StandardCharsets.US_ASCII)).s().compareTo(N.shiftRight(1)) <= 0);
        }
    }

    @Test
    void a_high_s_twin_of_a_valid_signature_is_refused() {
        Jws jws = Jws.parse(genuine.getBytes(StandardCharsets.US_ASCII));
        byte[] twin = Arrays.copyOf(jws.signature(), 64);
        byte[] highS = N.subtract(jws.s()).toByteArray();
        Arrays.fill(twin, 32, 64, (byte) 0);
        System.arraycopy(highS, Math.max(0, highS.length - 32), twin, 64 - Math.min(32, highS.length),
                Math.min(32, highS.length));
        String compact = genuine.substring(0, genuine.lastIndexOf('.') + 1) + Jws.encode(twin);
        assertTrue(refused(compact).getMessage().contains("low-S"));
    }

    @Test
    void base64url_with_spare_bits_set_or_padding_is_refused() {
        String signature = genuine.substring(genuine.lastIndexOf('.') + 1);
        char last = signature.charAt(signature.length() - 1);
        // 64 bytes end in a character carrying 2 data bits: its 4 low bits are spare
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char twin = alphabet.charAt(alphabet.indexOf(last) | 1);
        String compact = genuine.substring(0, genuine.length() - 1) + twin;
        assertTrue(Arrays.equals(Base64.getUrlDecoder().decode(signature),
                Base64.getUrlDecoder().decode(compact.substring(compact.lastIndexOf('.') + 1))),
                "the twin decodes to the same signature bytes");
        assertTrue(refused(compact).getMessage().contains("canonical"));
        refused(genuine + "==");
    }

    @Test
    void a_header_written_another_way_is_refused() {
        String payload = genuine.substring(genuine.indexOf('.') + 1, genuine.lastIndexOf('.'));
        String spaced = Jws.encode(("{\"alg\": \"ES256\",\"kid\":\"dev-0001\",\"x5t#S256\":\""
                + signer.header().x5tS256() + "\"}").getBytes(StandardCharsets.UTF_8));
        refused(spaced + "." + payload + "." + genuine.substring(genuine.lastIndexOf('.') + 1));
    }

    @Test
    void payloads_in_another_encoding_or_form_are_refused() {
        String json = new String(MessageCodec.encode(Fixtures.result(List.of(200, 190), 400, 10)),
                StandardCharsets.UTF_8);
        assertDoesNotThrow(() -> MessageCodec.decodeReport(json.getBytes(StandardCharsets.UTF_8)));
        byte[] bom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, json.getBytes(StandardCharsets.UTF_8));
        byte[] overlong = json.replace("\"kind\"", "\"k\u0000ind\"").getBytes(StandardCharsets.UTF_8);
        int zero = indexOf(overlong, (byte) 0);
        byte[] overlongSlash = concat(Arrays.copyOf(overlong, zero), new byte[] {(byte) 0xC0, (byte) 0xAF},
                Arrays.copyOfRange(overlong, zero + 1, overlong.length));
        for (byte[] bad : List.of(json.getBytes(StandardCharsets.UTF_16BE), json.getBytes(StandardCharsets.UTF_16LE),
                bom, overlongSlash, json.replace(",", ", ").getBytes(StandardCharsets.UTF_8),
                json.replace("\"S-001\"", "\"S\\u002d001\"").getBytes(StandardCharsets.UTF_8),
                json.replace("18:00:00Z", "18:00:00.000Z").getBytes(StandardCharsets.UTF_8))) {
            assertThrows(MalformedMessageException.class, () -> MessageCodec.decodeReport(bad),
                    new String(bad, StandardCharsets.ISO_8859_1));
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
