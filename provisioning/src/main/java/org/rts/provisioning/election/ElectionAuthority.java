package org.rts.provisioning.election;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.ProvisioningException;

/**
 * The election authority on the technicians' machine: the CA key and what it signs (certificates, the CRL,
 * configuration files), and the registry it keeps.
 */
public final class ElectionAuthority {
    /** Key id in the JWS header of signed configuration files. */
    public static final String KID = "election-authority";
    /** A CRL is valid this long; re-issue it (any revocation does) before it lapses. */
    public static final Duration CRL_VALIDITY = Duration.ofDays(30);

    private final ElectionFiles files;
    private final CertificateIssuer issuer;
    private final Es256Signer signer;
    private final Clock clock;

    ElectionAuthority(ElectionFiles files, X509CertificateHolder ca, ECPrivateKeyParameters caKey, Clock clock) {
        this.files = files;
        this.issuer = new CertificateIssuer(ca, caKey);
        this.signer = new Es256Signer(caKey, KID, Certificates.thumbprint(ca));
        this.clock = clock;
    }

    public static ElectionAuthority load(ElectionFiles files, Clock clock) {
        if (!Files.exists(files.caKey())) {
            throw new ProvisioningException("no election CA in " + files.dir()
                    + ": run 'provisioning init' first, or check --dir");
        }
        return new ElectionAuthority(files, Pem.readCertificate(files.caCertificate()),
                Pem.readPrivateKey(files.caKey()), clock);
    }

    public ElectionFiles files() {
        return files;
    }

    public CertificateIssuer issuer() {
        return issuer;
    }

    public Clock clock() {
        return clock;
    }

    public Election election() {
        return Election.readSigned(files.ballot(), issuer.caCertificate());
    }

    /** The registry as last saved, after checking the authority's signature on it. */
    public Registry registry() {
        return Registry.readSigned(files.registry(), issuer.caCertificate());
    }

    /** Writes {@code <file>.sig} over the file as it is on disk. */
    public void sign(Path file) {
        SignedFile.sign(file, signer);
    }

    /**
     * Saves {@code registry} as the next version with its signature, then the CRL of every certificate it no longer
     * holds active, numbered with the same version. Each file is replaced atomically; a reader that catches the
     * new registry before its new signature refuses it, keeps what it had and reads both again.
     */
    public void save(Registry registry) {
        Registry next = registry.next(clock.instant());
        JsonFiles.write(files.registry(), next);
        sign(files.registry());
        Map<BigInteger, java.time.Instant> revoked = new LinkedHashMap<>();
        for (Registry.Entry e : next.devices()) {
            if (!e.active()) {
                revoked.put(Pem.parseCertificate(e.certificate()).getSerialNumber(), e.revokedAt());
            }
        }
        String crl = Pem.encode(issuer.crl(revoked, BigInteger.valueOf(next.version()), clock.instant(),
                CRL_VALIDITY));
        Pem.write(files.crl(), crl, false);
        if (Files.isDirectory(files.broker())) {
            Pem.write(files.broker().resolve("crl.pem"), crl, false);
        }
    }
}
