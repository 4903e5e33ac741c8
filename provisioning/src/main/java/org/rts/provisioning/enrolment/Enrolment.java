package org.rts.provisioning.enrolment;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.protocol.Ids;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.BundleFiles;
import org.rts.protocol.files.DeviceConfig;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.ProvisioningException;
import org.rts.provisioning.election.ElectionSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrols a device for one station: a key pair, a certificate from the election CA bound to the device and the
 * station, the device's bundle, and its registry entry. Re-running for the same device and station changes nothing.
 */
public final class Enrolment {
    private static final Logger LOG = LoggerFactory.getLogger(Enrolment.class);

    private final ElectionFiles files;
    private final Clock clock;

    public Enrolment(ElectionFiles files, Clock clock) {
        this.files = files;
        this.clock = clock;
    }

    /** What enrolment did, for the technician's screen. */
    public record Outcome(String device, String station, String thumbprint, BundleFiles bundle, boolean created) {
    }

    public Outcome enrol(String deviceId, String stationId, String brokerUrl) {
        Ids.require("device id", deviceId);
        DeviceConfig.requireBrokerUrl("broker", brokerUrl);
        Election election = Election.read(files.ballot());
        if (election.station(stationId).isEmpty()) {
            throw new ProvisioningException("station '" + stationId + "' is not in the ballot definition "
                    + files.ballot() + ": check the station id");
        }
        Registry registry = JsonFiles.read(files.registry(), Registry.class, "device registry");
        BundleFiles bundle = files.bundle(deviceId);
        var existing = registry.device(deviceId);
        if (existing.isPresent()) {
            if (existing.get().station().equals(stationId) && Files.exists(bundle.deviceCertificate())) {
                X509CertificateHolder cert = Pem.readCertificate(bundle.deviceCertificate());
                return new Outcome(deviceId, stationId, Certificates.thumbprint(cert), bundle, false);
            }
            throw new ProvisioningException("device " + deviceId + " is already enrolled for station "
                    + existing.get().station() + ": re-assigning a unit is a separate step");
        }
        var holder = registry.activeForStation(stationId);
        if (holder.isPresent()) {
            throw new ProvisioningException("station " + stationId + " already has device " + holder.get().device()
                    + ": revoke that device before enrolling another for the same station");
        }

        CertificateIssuer issuer = new CertificateIssuer(Pem.readCertificate(files.caCertificate()),
                Pem.readPrivateKey(files.caKey()));
        Instant from = clock.instant().minus(ElectionSetup.BACKDATE);
        ECPrivateKeyParameters key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        X509CertificateHolder cert = issuer.deviceCertificate(election.id(), deviceId, stationId,
                Keys.publicOf(key), from, ElectionSetup.VALIDITY);

        Pem.writePrivateKey(bundle.deviceKey(), key);
        Pem.writeCertificate(bundle.deviceCertificate(), cert);
        Pem.writeCertificate(bundle.caCertificate(), issuer.caCertificate());
        Pem.writeCertificate(bundle.hubCertificate(), Pem.readCertificate(files.hubCertificate()));
        JsonFiles.write(bundle.ballot(), election);
        JsonFiles.write(bundle.config(), new DeviceConfig(deviceId, election.id(), stationId, brokerUrl, null));
        // the registry entry comes last: a device is enrolled only once its whole bundle is on disk
        JsonFiles.write(files.registry(), registry.with(new Registry.Entry(deviceId, stationId, Pem.encode(cert),
                Registry.Status.ACTIVE, clock.instant())));
        String thumbprint = Certificates.thumbprint(cert);
        LOG.info("device {} enrolled for station {} (certificate {})", deviceId, stationId, thumbprint);
        return new Outcome(deviceId, stationId, thumbprint, bundle, true);
    }
}
