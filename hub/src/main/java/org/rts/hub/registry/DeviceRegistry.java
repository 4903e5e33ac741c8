package org.rts.hub.registry;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.protocol.files.Registry;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.PkiException;
import org.rts.protocol.pki.Pem;
import org.rts.hub.HubException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrolled devices indexed by certificate thumbprint. Every certificate is checked against the election CA once,
 * at load; a certificate the CA did not issue, or without a station binding, stops the hub from starting.
 */
public final class DeviceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceRegistry.class);

    private final Map<String, RegisteredDevice> byThumbprint;

    private DeviceRegistry(Map<String, RegisteredDevice> byThumbprint) {
        this.byThumbprint = Map.copyOf(byThumbprint);
    }

    public static DeviceRegistry load(Registry registry, X509CertificateHolder ca, String electionId) {
        if (!registry.election().equals(electionId)) {
            throw new HubException("device registry is for election " + registry.election() + ", the hub serves "
                    + electionId + ": point the hub at the right election directory");
        }
        Map<String, RegisteredDevice> map = new HashMap<>();
        for (Registry.Entry entry : registry.devices()) {
            X509CertificateHolder cert;
            try {
                cert = Pem.parseCertificate(entry.certificate());
                // validity is checked per message, against the time it arrives
                Certificates.requireIssuedBy(cert, ca, cert.getNotBefore().toInstant());
            } catch (PkiException e) {
                throw new HubException("registry entry for device " + entry.device() + ": " + e.getMessage(), e);
            }
            Certificates.Binding binding = Certificates.binding(cert).orElseThrow(() -> new HubException(
                    "certificate of device " + entry.device() + " carries no station binding"));
            if (!binding.deviceId().equals(entry.device()) || !binding.stationId().equals(entry.station())
                    || !binding.electionId().equals(electionId)) {
                throw new HubException("registry entry for device " + entry.device() + " (station "
                        + entry.station() + ") does not match its certificate " + binding);
            }
            String thumbprint = Certificates.thumbprint(cert);
            map.put(thumbprint, new RegisteredDevice(entry.device(), electionId, entry.station(), thumbprint,
                    Certificates.publicKey(cert), entry.status(), cert.getNotBefore().toInstant(),
                    cert.getNotAfter().toInstant()));
        }
        LOG.info("device registry for {}: {} certificates", electionId, map.size());
        return new DeviceRegistry(map);
    }

    public Optional<RegisteredDevice> byThumbprint(String thumbprint) {
        return Optional.ofNullable(byThumbprint.get(thumbprint));
    }

    public int size() {
        return byThumbprint.size();
    }
}
