package org.rts.protocol.pki;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;

/**
 * Certificate checks shared by agent, hub and provisioning. A device certificate names the device in its subject CN
 * and binds it to one station with a subject-alternative-name URI {@code urn:rts:<election>:station:<station>}.
 */
public final class Certificates {
    public static final String URI_PREFIX = "urn:rts:";

    private Certificates() {
    }

    /** base64url SHA-256 of the DER certificate: the {@code x5t#S256} value in JWS headers. */
    public static String thumbprint(X509CertificateHolder cert) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (IOException e) {
            throw new PkiException("cannot encode certificate", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    public static ECPublicKeyParameters publicKey(X509CertificateHolder cert) {
        return Keys.publicKey(cert.getSubjectPublicKeyInfo());
    }

    public static String commonName(X509CertificateHolder cert) {
        return commonName(cert.getSubject());
    }

    public static String commonName(X500Name name) {
        RDN[] rdns = name.getRDNs(BCStyle.CN);
        return rdns.length == 0 ? "" : IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    public static String stationUri(String electionId, String stationId) {
        return URI_PREFIX + electionId + ":station:" + stationId;
    }

    /** The device binding read from a certificate, if it carries one. */
    public record Binding(String deviceId, String electionId, String stationId) {
    }

    public static Optional<Binding> binding(X509CertificateHolder cert) {
        Extension san = cert.getExtension(Extension.subjectAlternativeName);
        if (san == null) {
            return Optional.empty();
        }
        for (GeneralName name : GeneralNames.getInstance(san.getParsedValue()).getNames()) {
            if (name.getTagNo() != GeneralName.uniformResourceIdentifier) {
                continue;
            }
            ASN1Encodable value = name.getName();
            String[] parts = value.toString().split(":");
            if (parts.length == 5 && (parts[0] + ":" + parts[1] + ":").equals(URI_PREFIX)
                    && parts[3].equals("station")) {
                return Optional.of(new Binding(commonName(cert), parts[2], parts[4]));
            }
        }
        return Optional.empty();
    }

    /**
     * Checks that {@code cert} was signed by {@code issuer} and is valid at {@code now}; throws naming the subject
     * and the failed check.
     */
    public static void requireIssuedBy(X509CertificateHolder cert, X509CertificateHolder issuer, Instant now) {
        String subject = cert.getSubject().toString();
        if (!cert.getIssuer().equals(issuer.getSubject()) || !signedBy(cert, issuer)) {
            throw new PkiException("certificate " + subject + " was not issued by " + issuer.getSubject()
                    + " (is it from another election's CA?)");
        }
        Date at = Date.from(now);
        if (!cert.isValidOn(at)) {
            throw new PkiException("certificate " + subject + " is not valid at " + now + ": valid from "
                    + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant());
        }
    }

    private static boolean signedBy(X509CertificateHolder cert, X509CertificateHolder issuer) {
        try {
            return cert.isSignatureValid(new BcECContentVerifierProviderBuilder(
                    new DefaultDigestAlgorithmIdentifierFinder()).build(issuer));
        } catch (OperatorCreationException | org.bouncycastle.cert.CertException | RuntimeException e) {
            return false;
        }
    }
}
