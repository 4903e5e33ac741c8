package org.rts.hub.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.HubException;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;

class ReceiptIssuerTest {
    @TempDir
    Path dir;

    @Test
    void the_receipt_code_is_the_documented_derivation_of_the_hash_and_the_verdict() {
        // sha256("ACCEPTED:abc") and sha256("REJECTED:abc"), first 40 bits in Crockford base32, worked out by hand
        assertEquals("98V6-HR9V", Receipt.code("abc", Receipt.Status.ACCEPTED));
        assertEquals("TAYM-TQ8H", Receipt.code("abc", Receipt.Status.REJECTED));
    }

    @Test
    void a_receipt_says_what_was_decided_and_the_hub_signs_with_its_certificates_key() {
        TestElection election = new TestElection(dir.resolve("el"), "tcp://127.0.0.1:1883", Mode.LIVE);
        var cert = Pem.readCertificate(election.files.hubCertificate());
        ReceiptIssuer issuer = new ReceiptIssuer(Pem.readPrivateKey(election.files.hubKey()), cert);
        byte[] bytes = ReceiptIssuer.receipt("dev-1", "t/x", "abc", 4L, false, List.of(Finding.of(Reason.SEQUENCE_GAP,
                "g")), List.of(), new ChainPosition(2, "h"), TestElection.NOW);
        Jws jws = Jws.parse(issuer.signer().sign(bytes).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(Es256Verifier.verify(jws, Certificates.publicKey(cert)));
        assertEquals("hub", jws.header().kid());
        assertEquals(Certificates.thumbprint(cert), jws.header().x5tS256());
        Receipt r = MessageCodec.decodeReceipt(bytes);
        assertEquals(new Receipt(1, "dev-1", "t/x", "abc", 4L, false, Receipt.Status.REJECTED,
                List.of(Finding.of(Reason.SEQUENCE_GAP, "g")), List.of(), new ChainPosition(2, "h"), TestElection.NOW,
                "TAYM-TQ8H"), r);
        assertThrows(HubException.class, () -> new ReceiptIssuer((ECPrivateKeyParameters) Keys.generate()
                .getPrivate(), cert), "a key that is not the certificate's");
    }
}
