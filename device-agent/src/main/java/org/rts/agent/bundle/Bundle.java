package org.rts.agent.bundle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.agent.AgentException;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.BundleFiles;
import org.rts.protocol.files.DeviceConfig;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;

/**
 * A device's bundle, loaded and checked: the configuration and ballot definition carry the election authority's
 * signature, the key matches the certificate, the certificate and the hub's were issued by the election CA and are
 * valid now, and the certificate binds this device to the configured station.
 */
public record Bundle(DeviceConfig config, Election election, ECPrivateKeyParameters deviceKey,
                     X509CertificateHolder deviceCertificate, X509CertificateHolder hubCertificate,
                     X509CertificateHolder caCertificate) {

    public static Bundle load(Path dir, Instant now) {
        if (!Files.isDirectory(dir)) {
            throw new AgentException("device bundle not found at " + dir
                    + ": copy the bundle made by 'provisioning enroll' there, or pass --bundle");
        }
        BundleFiles files = new BundleFiles(dir);
        try {
            if (!Files.exists(files.deviceKey())) {
                throw new AgentException("no device key in " + dir + ": run 'device-agent enroll' on this unit");
            }
            if (!Files.exists(files.deviceCertificate())) {
                throw new AgentException("no certificate in " + dir + ": give " + files.request()
                        + " to the technician, then run 'device-agent import' with the bundle you get back");
            }
            ECPrivateKeyParameters key = Pem.readPrivateKey(files.deviceKey());
            X509CertificateHolder cert = Pem.readCertificate(files.deviceCertificate());
            X509CertificateHolder ca = Pem.readCertificate(files.caCertificate());
            DeviceConfig config = JsonFiles.parse(files.config(), SignedFile.readVerified(files.config(), ca),
                    DeviceConfig.class, "device configuration");
            Election election = Election.readSigned(files.ballot(), ca);
            X509CertificateHolder hub = Pem.readCertificate(files.hubCertificate());
            if (!Keys.samePublicKey(Keys.publicOf(key), Certificates.publicKey(cert))) {
                throw new AgentException("certificate " + files.deviceCertificate() + " is not for the key in "
                        + files.deviceKey() + ": re-import this unit's own bundle");
            }
            Certificates.requireIssuedBy(cert, ca, now);
            Certificates.requireIssuedBy(hub, ca, now);
            var binding = Certificates.binding(cert).orElseThrow(() -> new AgentException(
                    "certificate " + files.deviceCertificate() + " binds no station: re-enrol this unit"));
            var expected = new Certificates.Binding(config.device(), config.election(), config.station());
            if (!binding.equals(expected)) {
                throw new AgentException("certificate binds " + binding + " but " + files.config() + " says "
                        + expected + ": the bundle is mixed up, re-import it");
            }
            if (!election.id().equals(config.election())) {
                throw new AgentException("ballot definition " + files.ballot() + " is for election " + election.id()
                        + ", this unit serves " + config.election());
            }
            if (election.station(config.station()).isEmpty()) {
                throw new AgentException("station " + config.station() + " is not in " + files.ballot());
            }
            return new Bundle(config, election, key, cert, hub, ca);
        } catch (ProtocolException e) {
            throw new AgentException(e.getMessage(), e);
        }
    }

    public String deviceId() {
        return config.device();
    }

    public String stationId() {
        return config.station();
    }
}
