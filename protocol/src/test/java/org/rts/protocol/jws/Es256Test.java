package org.rts.protocol.jws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.junit.jupiter.api.Test;
import org.rts.protocol.Fixtures;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.pki.Keys;

class Es256Test {
    private final AsymmetricCipherKeyPair pair = Keys.generate();
    private final Es256Signer signer = new Es256Signer((ECPrivateKeyParameters) pair.getPrivate(), "dev-0001",
            "t".repeat(43));

    @Test
    void signed_payload_verifies_and_round_trips() {
        byte[] payload = "{\"hello\":1}".getBytes(StandardCharsets.UTF_8);
        Jws jws = Jws.parse(signer.sign(payload).getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(payload, jws.payload());
        assertEquals("dev-0001", jws.header().kid());
        assertTrue(Es256Verifier.verify(jws, (ECPublicKeyParameters) pair.getPublic()));
    }

    @Test
    void signing_is_deterministic() {
        byte[] payload = "same".getBytes(StandardCharsets.UTF_8);
        assertEquals(signer.sign(payload), signer.sign(payload));
    }

    @Test
    void rejects_signature_from_another_key() {
        Jws jws = Jws.parse(signer.sign("x".getBytes()).getBytes(StandardCharsets.US_ASCII));
        assertFalse(Es256Verifier.verify(jws, (ECPublicKeyParameters) Keys.generate().getPublic()));
    }

    @Test
    void rejects_a_payload_changed_after_signing() {
        String compact = signer.sign("{\"votes\":10}".getBytes(StandardCharsets.UTF_8));
        String[] parts = compact.split("\\.");
        String forged = parts[0] + "." + Jws.encode("{\"votes\":99}".getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
        assertFalse(Es256Verifier.verify(Jws.parse(forged.getBytes()), (ECPublicKeyParameters) pair.getPublic()));
    }

    @Test
    void a_24_candidate_result_stays_under_1024_bytes() {
        List<Integer> votes = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            votes.add(99_999);
        }
        ResultReport report = new ResultReport(1, "iq-2026-parliament", org.rts.protocol.message.Mode.LIVE,
                "dev-0123456789", "S-0123456789", 123456, "p".repeat(43), "parliament-baghdad",
                999_999, 999_999, 999_999, 999_999, 999_999, 999_999, votes, Fixtures.CLOSE);
        String compact = new Es256Signer((ECPrivateKeyParameters) pair.getPrivate(), "dev-0123456789",
                "t".repeat(43)).sign(MessageCodec.encode(report));
        assertTrue(compact.length() < 1024, "signed result is " + compact.length() + " bytes");
        assertEquals(report, MessageCodec.decodeReport(Jws.parse(compact.getBytes()).payload()));
    }

    @Test
    void refuses_what_is_not_compact_jws() {
        for (String bad : List.of("", "abc", "a.b", "a.b.c.d", "{}.{}.{}", "eyJ9.e30.AAAA")) {
            assertThrows(MalformedMessageException.class, () -> Jws.parse(bad.getBytes()), bad);
        }
    }
}
