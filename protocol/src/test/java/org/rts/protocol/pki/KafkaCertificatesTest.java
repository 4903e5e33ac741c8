package org.rts.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaCertificatesTest {
    private static final Instant NOW = Instant.parse("2026-11-20T09:00:00Z");
    private final ECPrivateKeyParameters caKey = (ECPrivateKeyParameters) Keys.generate().getPrivate();
    private final CertificateIssuer issuer = new CertificateIssuer(
            CertificateIssuer.selfSignedCa("el-1", caKey, NOW, Duration.ofDays(30)), caKey);
    private final ECPrivateKeyParameters key = (ECPrivateKeyParameters) Keys.generate().getPrivate();

    @TempDir
    Path dir;

    @Test
    void kafka_certificates_bind_no_station_so_the_hub_never_takes_one_for_a_unit() {
        var node = issuer.kafkaNodeCertificate("el-1", "node-1", List.of("kafka1.example.org"), Keys.publicOf(key),
                NOW, Duration.ofDays(1));
        var client = issuer.kafkaClientCertificate("el-1", "bridge-edge1", Keys.publicOf(key), NOW,
                Duration.ofDays(1));
        assertEquals(Optional.empty(), Certificates.binding(node));
        assertEquals(Optional.empty(), Certificates.binding(client));
        assertEquals("bridge-edge1", Certificates.commonName(client));
        Certificates.requireIssuedBy(node, issuer.caCertificate(), NOW);
        Certificates.requireIssuedBy(client, issuer.caCertificate(), NOW);
    }

    @Test
    void kafka_names_are_plain_ids_and_never_the_hub() {
        var pub = Keys.publicOf(key);
        PkiException hub = assertThrows(PkiException.class,
                () -> issuer.kafkaClientCertificate("el-1", CertificateIssuer.HUB_NAME, pub, NOW, Duration.ofDays(1)));
        assertTrue(hub.getMessage().contains("reserved for the hub"), hub.getMessage());
        assertThrows(PkiException.class,
                () -> issuer.kafkaClientCertificate("el-1", "CN=x,O=y", pub, NOW, Duration.ofDays(1)));
        assertThrows(PkiException.class,
                () -> issuer.kafkaNodeCertificate("el-1", "node-1", List.of(), pub, NOW, Duration.ofDays(1)));
    }

    @Test
    void a_pkcs8_key_reads_back_as_the_same_key() {
        String pem = Pem.encodePkcs8(key);
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----"), pem);
        Path file = dir.resolve("key.pem");
        Pem.write(file, pem, true);
        assertEquals(key.getD(), Pem.readPrivateKey(file).getD());
    }
}
