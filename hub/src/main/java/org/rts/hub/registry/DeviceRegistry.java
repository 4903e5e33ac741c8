package org.rts.hub.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.hub.HubException;
import org.rts.protocol.files.Registry;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Crl;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.PkiException;

/**
 * Enrolled devices indexed by certificate thumbprint, from the registry and the CRL as signed by the election
 * authority. Every certificate is checked against the election CA once, when it first appears; a certificate the CA
 * did not issue, or without a station binding, makes the whole registry unusable.
 */
public final class DeviceRegistry {
    private final Map<String, RegisteredDevice> byThumbprint;
    private final long version;
    private final Crl crl;

    private DeviceRegistry(Map<String, RegisteredDevice> byThumbprint, long version, Crl crl) {
        this.byThumbprint = Map.copyOf(byThumbprint);
        this.version = version;
        this.crl = crl;
    }

    public static DeviceRegistry load(Registry registry, Crl crl, X509CertificateHolder ca, String electionId) {
        return load(registry, crl, ca, electionId, null);
    }

    /**
     * As {@link #load(Registry, Crl, X509CertificateHolder, String)}, checking against the CA only the certificates
     * {@code previous} (null: none) did not hold: a national registry changes by a few units at a time, and each
     * check is an ECDSA verification. The first load checks in parallel.
     */
    public static DeviceRegistry load(Registry registry, Crl crl, X509CertificateHolder ca, String electionId,
                                      DeviceRegistry previous) {
        if (!registry.election().equals(electionId)) {
            throw new HubException("device registry is for election " + registry.election() + ", the hub serves "
                    + electionId + ": point the hub at the right election directory");
        }
        List<RegisteredDevice> devices = registry.devices().parallelStream()
                .map(entry -> device(entry, crl, ca, electionId, previous)).toList();
        Map<String, RegisteredDevice> map = new HashMap<>(devices.size() * 2);
        devices.forEach(d -> map.put(d.thumbprint(), d));
        return new DeviceRegistry(map, registry.version(), crl);
    }

    private static RegisteredDevice device(Registry.Entry entry, Crl crl, X509CertificateHolder ca,
                                           String electionId, DeviceRegistry previous) {
        X509CertificateHolder cert;
        try {
            cert = Pem.parseCertificate(entry.certificate());
        } catch (PkiException e) {
            throw new HubException("registry entry for device " + entry.device() + ": " + e.getMessage(), e);
        }
        String thumbprint = Certificates.thumbprint(cert);
        if (previous == null || !previous.byThumbprint.containsKey(thumbprint)) {
            try {
                // validity is checked per message, against the time it arrives
                Certificates.requireIssuedBy(cert, ca, cert.getNotBefore().toInstant());
            } catch (PkiException e) {
                throw new HubException("registry entry for device " + entry.device() + ": " + e.getMessage(), e);
            }
        }
        Certificates.Binding binding = Certificates.binding(cert).orElseThrow(() -> new HubException(
                "certificate of device " + entry.device() + " carries no station binding"));
        if (!binding.deviceId().equals(entry.device()) || !binding.stationId().equals(entry.station())
                || !binding.electionId().equals(electionId)) {
            throw new HubException("registry entry for device " + entry.device() + " (station "
                    + entry.station() + ") does not match its certificate " + binding);
        }
        return new RegisteredDevice(entry.device(), electionId, entry.station(), thumbprint,
                Certificates.publicKey(cert), entry.status(), crl.isRevoked(cert.getSerialNumber()),
                cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
    }

    public Optional<RegisteredDevice> byThumbprint(String thumbprint) {
        return Optional.ofNullable(byThumbprint.get(thumbprint));
    }

    public int size() {
        return byThumbprint.size();
    }

    /** The registry's version (grows with every change provisioning makes). */
    public long version() {
        return version;
    }

    public Crl crl() {
        return crl;
    }
}
