package org.rts.provisioning.election;

import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.protocol.codec.Json;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Crl;
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
    /**
     * A CRL stays valid this long after the polls close ({@code polling.closesAt} of the ballot definition): through
     * the count, complaints and audits, since once it lapses the broker refuses every unit and the hub.
     */
    public static final Duration CRL_AFTER_CLOSE = Duration.ofDays(90);
    /** A CRL is valid at least this long from when it is issued (a late enrolment, a close already past). */
    public static final Duration CRL_MINIMUM = Duration.ofDays(30);
    /** Under this, {@code status} warns that the CRL needs renewing ({@code renew-crl}). */
    public static final Duration CRL_WARNING = Duration.ofDays(7);

    private final ElectionFiles files;
    private final CertificateIssuer issuer;
    private final Es256Signer signer;
    private final Clock clock;
    /** The polls' close from the ballot definition, read once. */
    private Optional<Instant> closes;

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

    /**
     * The election in {@code dir} for a command that changes it: held by this process until the command ends (see
     * {@link ElectionLock}, waiting with a message on {@code err}), a registry save killed between its renames
     * finished first.
     */
    public static ElectionAuthority forChange(Path dir, PrintStream err) {
        ElectionLock.hold(dir, err);
        ElectionFiles files = new ElectionFiles(dir);
        SignedFile.settle(files.registry());
        return load(files, Clock.systemUTC());
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

    /**
     * Writes {@code value} as JSON to {@code file} with its signature (see {@link SignedFile#write}); {@code force}:
     * both on the disk before this returns.
     */
    public void write(Path file, Object value, boolean force) {
        try {
            SignedFile.write(file, Json.pretty().writeValueAsBytes(value), signer, force);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ProvisioningException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /**
     * Saves {@code registry} as the next version with its signature, then the CRL of every certificate it no longer
     * holds active, numbered with the same version. Each file is replaced atomically; a reader that catches the
     * new registry before its new signature refuses it, keeps what it had and reads both again. Returns the registry
     * as saved.
     */
    public Registry save(Registry registry) {
        Registry next = registry.next(clock.instant());
        write(files.registry(), next, true);
        Map<BigInteger, Instant> revoked = new LinkedHashMap<>();
        for (Registry.Entry e : next.devices()) {
            if (!e.active()) {
                revoked.put(Pem.parseCertificate(e.certificate()).getSerialNumber(), e.revokedAt());
            }
        }
        Instant now = clock.instant();
        String crl = Pem.encode(issuer.crl(revoked, BigInteger.valueOf(next.version()), now,
                Duration.between(now, crlNextUpdate(now))));
        Pem.write(files.crl(), crl, false);
        if (Files.isDirectory(files.broker())) {
            Pem.write(files.broker().resolve("crl.pem"), crl, false);
        }
        return next;
    }

    /**
     * The CRL issued again with the same revocations and the next registry version (the hub takes only a newer
     * one), valid for the election calendar from now: what to do before the one in force lapses.
     */
    public Crl renewCrl() {
        save(registry());
        return crl();
    }

    /** The CRL as last written, after checking the CA's signature on it. */
    public Crl crl() {
        return Crl.read(files.crl(), issuer.caCertificate());
    }

    /**
     * When a CRL issued at {@code now} lapses: {@link #CRL_AFTER_CLOSE} after the polls close, at least
     * {@link #CRL_MINIMUM} from now; with no close date in the ballot, when the CA certificate expires (nothing it
     * issued outlives it). Never after the CA certificate.
     */
    Instant crlNextUpdate(Instant now) {
        Instant caExpires = issuer.caCertificate().getNotAfter().toInstant();
        if (!caExpires.isAfter(now)) {
            throw new ProvisioningException("the election CA certificate expired at " + caExpires + ": nothing it"
                    + " signs is valid any more, a CRL neither; this election needs a new CA ('provisioning init')");
        }
        if (closes == null) {
            closes = Optional.ofNullable(election().polling().closes());
        }
        Instant wanted = closes.map(c -> c.plus(CRL_AFTER_CLOSE)).orElse(caExpires);
        Instant atLeast = now.plus(CRL_MINIMUM);
        Instant until = wanted.isBefore(atLeast) ? atLeast : wanted;
        return until.isAfter(caExpires) ? caExpires : until;
    }
}
