package org.rts.provisioning.election;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.ProvisioningException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates an election directory: CA, hub key and certificate, the ballot definition signed by the election
 * authority, an empty registry and CRL.
 */
public final class ElectionSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ElectionSetup.class);
    /** Certificates are valid from a day before creation, to absorb clocks that lag, for one year. */
    public static final Duration BACKDATE = Duration.ofDays(1);
    public static final Duration VALIDITY = Duration.ofDays(365);

    private final Clock clock;

    public ElectionSetup(Clock clock) {
        this.clock = clock;
    }

    /**
     * Writes a new election under {@code files.dir()}. Refuses to touch a directory that already holds a CA: an
     * election's keys are never silently replaced.
     */
    public void create(ElectionFiles files, Election election) {
        if (Files.exists(files.caKey()) || Files.exists(files.caCertificate())) {
            throw new ProvisioningException("an election CA already exists in " + files.dir()
                    + ": choose another directory, or use the existing election");
        }
        Instant from = clock.instant().minus(BACKDATE);
        ECPrivateKeyParameters caKey = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        X509CertificateHolder ca = CertificateIssuer.selfSignedCa(election.id(), caKey, from, VALIDITY);
        CertificateIssuer issuer = new CertificateIssuer(ca, caKey);
        ECPrivateKeyParameters hubKey = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        X509CertificateHolder hub = issuer.hubCertificate(election.id(), Keys.publicOf(hubKey), from, VALIDITY);

        // the CA key last: its presence marks a complete election directory
        ElectionAuthority authority = new ElectionAuthority(files, ca, caKey, clock);
        authority.write(files.ballot(), election, true);
        Pem.writePrivateKey(files.hubKey(), hubKey);
        Pem.writeCertificate(files.hubCertificate(), hub);
        Pem.writeCertificate(files.caCertificate(), ca);
        authority.save(Registry.empty(election.id()));
        Pem.writePrivateKey(files.caKey(), caKey);
        LOG.info("election {} created in {}: {} stations, {} races", election.id(), files.dir(),
                election.stations().size(), election.allRaces().size());
    }

    /** One line for a technician on how the definition gives each station its races. */
    public static String model(Election election) {
        if (election.singleList()) {
            return "ballot: the definition uses the single-list model: every station votes in every race ("
                    + election.races().size() + ")";
        }
        long ballots = election.stations().stream().map(s -> election.ballot(s.id())).distinct().count();
        return "ballot: " + election.constituencies().size() + " constituencies, " + election.allRaces().size()
                + " races (" + election.races().size() + " national), " + ballots + " distinct ballots";
    }
}
