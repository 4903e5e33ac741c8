package org.rts.protocol.files;

import java.nio.file.Path;

/**
 * Layout of an election directory, written by provisioning and read by the hub. Only the CA key is secret to the
 * technicians' machine; the hub needs {@code ca/ca.pem}, {@code hub/}, {@code election.json} and
 * {@code registry.json}.
 */
public record ElectionFiles(Path dir) {
    public Path ballot() {
        return dir.resolve("election.json");
    }

    public Path caCertificate() {
        return dir.resolve("ca").resolve("ca.pem");
    }

    public Path caKey() {
        return dir.resolve("ca").resolve("ca.key");
    }

    public Path hubCertificate() {
        return dir.resolve("hub").resolve("hub.pem");
    }

    public Path hubKey() {
        return dir.resolve("hub").resolve("hub.key");
    }

    /** Revoked device certificates, re-written on every revocation. */
    public Path crl() {
        return dir.resolve("ca").resolve("crl.pem");
    }

    /** Broker configuration written by {@code provisioning broker}: copy it to the broker host. */
    public Path broker() {
        return dir.resolve("broker");
    }

    /** Kafka nodes' and clients' keys and configuration written by {@code provisioning kafka}. */
    public Path kafka() {
        return dir.resolve("kafka");
    }

    public Path registry() {
        return dir.resolve("registry.json");
    }

    public Path devices() {
        return dir.resolve("devices");
    }

    public BundleFiles bundle(String deviceId) {
        return new BundleFiles(devices().resolve(deviceId));
    }
}
