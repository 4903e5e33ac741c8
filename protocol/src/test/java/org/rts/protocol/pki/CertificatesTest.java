package org.rts.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;

class CertificatesTest {
    @Test
    void a_thumbprint_is_base64url_sha256_of_the_der_certificate() throws Exception {
        var key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        X509CertificateHolder ca = CertificateIssuer.selfSignedCa("el-2026", key, Instant.now(), Duration.ofDays(1));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(ca.getEncoded());
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(digest), Certificates.thumbprint(ca));
    }
}
