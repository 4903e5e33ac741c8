package org.rts.protocol.files;

import java.nio.file.Path;

/** Layout of a device bundle: what a unit needs to transmit for its station. */
public record BundleFiles(Path dir) {
    public Path config() {
        return dir.resolve("device.json");
    }

    public Path deviceKey() {
        return dir.resolve("device.key");
    }

    /** The certificate request {@code device-agent enroll} writes for the technician. */
    public Path request() {
        return dir.resolve("device.csr");
    }

    public Path deviceCertificate() {
        return dir.resolve("device.pem");
    }

    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    public Path hubCertificate() {
        return dir.resolve("hub.pem");
    }

    public Path ballot() {
        return dir.resolve("election.json");
    }
}
