package org.rts.provisioning.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.rts.protocol.export.ExportFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Crl;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.PkiException;

/**
 * Every certificate the signed registry lists, each checked once (issued by the CA, present in {@code devices/},
 * on the CRL when withdrawn), and the standing of one at the hub's time of a message: within its validity and the
 * CA's, and not after the registry's time of its revocation.
 */
final class DeviceCertificates {
    private final X509CertificateHolder ca;
    private final Map<String, Issued> byThumbprint;
    private final String summary;

    /** A certificate the registry lists, with its key read once. */
    record Issued(Registry.Entry entry, X509CertificateHolder certificate, ECPublicKeyParameters key) {
    }

    private DeviceCertificates(X509CertificateHolder ca, Map<String, Issued> byThumbprint, String summary) {
        this.ca = ca;
        this.byThumbprint = byThumbprint;
        this.summary = summary;
    }

    static DeviceCertificates read(ExportFiles f, Registry registry, X509CertificateHolder ca,
                                   Consumer<String> problem) throws IOException {
        Crl crl = Files.exists(f.crl()) ? Crl.read(f.crl(), ca) : null;
        Map<String, Issued> byThumbprint = new HashMap<>();
        for (Registry.Entry e : registry.devices()) {
            X509CertificateHolder cert = Pem.parseCertificate(e.certificate());
            String thumbprint = Certificates.thumbprint(cert);
            try {
                Certificates.requireIssuedBy(cert, ca, cert.getNotBefore().toInstant());
            } catch (PkiException x) {
                problem.accept("certificate of " + e.device() + ": " + x.getMessage());
            }
            Path file = f.deviceCertificate(thumbprint);
            if (!Files.exists(file) || !Pem.readCertificate(file).equals(cert)) {
                problem.accept("certificate " + thumbprint + " of " + e.device() + " is missing from devices/");
            }
            if (!e.active() && (crl == null || !crl.isRevoked(cert.getSerialNumber()))) {
                problem.accept("certificate of " + e.device() + " is " + e.status() + " in the registry but not in"
                        + " the CRL");
            }
            byThumbprint.put(thumbprint, new Issued(e, cert, Certificates.publicKey(cert)));
        }
        String summary = "ballot definition and device registry (version " + registry.version() + ") signed by the"
                + " CA; " + registry.devices().size() + " device certificates issued by the CA"
                + (crl == null ? "; no CRL (nothing revoked)" : "; CRL signed by the CA, " + crl.revoked().size()
                + " revoked") + "; each chained message's certificate valid and not yet withdrawn at the hub's time"
                + " of its receipt";
        return new DeviceCertificates(ca, byThumbprint, summary);
    }

    Optional<Issued> get(String thumbprint) {
        return Optional.ofNullable(byThumbprint.get(thumbprint));
    }

    String summary() {
        return summary;
    }

    /** Why {@code issued} could not sign a message the hub received at {@code hubTime}; empty when it could. */
    Optional<String> refusedAt(Issued issued, Instant hubTime) {
        Date at = Date.from(hubTime);
        X509CertificateHolder cert = issued.certificate();
        Registry.Entry e = issued.entry();
        if (!cert.isValidOn(at)) {
            return Optional.of("received at " + hubTime + ", outside the validity of " + e.device() + "'s certificate"
                    + " (" + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant() + ")");
        }
        if (!ca.isValidOn(at)) {
            return Optional.of("received at " + hubTime + ", outside the validity of the CA certificate ("
                    + ca.getNotBefore().toInstant() + " to " + ca.getNotAfter().toInstant() + ")");
        }
        if (e.revokedAt() != null && hubTime.isAfter(e.revokedAt())) {
            return Optional.of("received at " + hubTime + ", after " + e.device() + "'s certificate was "
                    + e.status() + " at " + e.revokedAt());
        }
        return Optional.empty();
    }
}
