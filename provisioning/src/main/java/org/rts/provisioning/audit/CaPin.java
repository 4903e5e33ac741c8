package org.rts.provisioning.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.PkiException;

/**
 * The election CA an export must be under, as the commission published it: the SHA-256 fingerprint of its
 * certificate's DER encoding (what {@code openssl x509 -fingerprint -sha256} prints), in lower-case hex.
 * {@code source} says where it came from, for the report.
 */
public record CaPin(String sha256, String source) {
    public CaPin {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a CA pin is 64 lower-case hex digits, found: " + sha256);
        }
    }

    /** The fingerprint of the CA certificate in {@code file}. */
    public static CaPin of(Path file) {
        return new CaPin(fingerprint(Pem.readCertificate(file)), file.toString());
    }

    /** A fingerprint as published: 64 hex digits, any case, colons allowed between pairs. */
    public static CaPin ofHex(String hex) {
        String digits = hex == null ? "" : hex.replace(":", "").strip().toLowerCase(Locale.ROOT);
        if (!digits.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("--ca-sha256 must be the 64 hex digits of the CA certificate's SHA-256"
                    + " fingerprint (colons allowed), found: " + hex);
        }
        return new CaPin(digits, "--ca-sha256");
    }

    /** SHA-256 of the certificate's DER encoding, in lower-case hex. */
    public static String fingerprint(X509CertificateHolder certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (IOException e) {
            throw new PkiException("cannot encode certificate", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
