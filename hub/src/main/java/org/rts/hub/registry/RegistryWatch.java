package org.rts.hub.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.files.Registry;
import org.rts.hub.HubException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry in force, reloaded when provisioning rewrites {@code registry.json} (a revocation takes effect at
 * the hub within seconds, for messages already queued too). A file that fails to load leaves the previous
 * registry in force and is reported.
 */
public final class RegistryWatch {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryWatch.class);

    private final Path file;
    private final X509CertificateHolder ca;
    private final String electionId;
    private volatile DeviceRegistry current;
    private FileTime loadedAt;

    public RegistryWatch(Path file, X509CertificateHolder ca, String electionId) {
        this.file = file;
        this.ca = ca;
        this.electionId = electionId;
        this.loadedAt = modified();
        this.current = load();
    }

    public DeviceRegistry current() {
        return current;
    }

    /** Reloads if the file changed since the last load; called from one scheduler thread. */
    public void reloadIfChanged() {
        FileTime now = modified();
        if (now == null || now.equals(loadedAt)) {
            return;
        }
        try {
            DeviceRegistry fresh = load();
            current = fresh;
            loadedAt = now;
            LOG.info("device registry reloaded: {} certificates", fresh.size());
        } catch (HubException | ProtocolException e) {
            LOG.error("device registry {} not reloaded, the previous one stays in force: {}", file, e.getMessage());
            loadedAt = now;
        }
    }

    private DeviceRegistry load() {
        return DeviceRegistry.load(JsonFiles.read(file, Registry.class, "device registry"), ca, electionId);
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }
}
