package org.rts.hub.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.hub.HubException;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.files.Registry;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.pki.Crl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry in force, reloaded when provisioning's files change: {@code registry.json}, its signature by the
 * election authority and the CA's {@code crl.pem}. A revocation takes effect at the hub within seconds, for
 * messages already queued too. A registry or CRL that is unsigned, tampered with, or older than the one in force
 * is refused with an error in the log and the previous one stays; the files are read again at their next change.
 */
public final class RegistryWatch {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryWatch.class);

    private final Path registryFile;
    private final Path crlFile;
    private final X509CertificateHolder ca;
    private final String electionId;
    private volatile DeviceRegistry current;
    private final java.util.concurrent.atomic.AtomicLong refusals = new java.util.concurrent.atomic.AtomicLong();
    private List<Object> seen;

    /** Loads the registry and CRL; throws (the hub does not start) if either fails its checks. */
    public RegistryWatch(Path registryFile, Path crlFile, X509CertificateHolder ca, String electionId) {
        this.registryFile = registryFile;
        this.crlFile = crlFile;
        this.ca = ca;
        this.electionId = electionId;
        this.seen = stamps();
        this.current = load();
        LOG.info("device registry version {} for {}: {} certificates, CRL number {} with {} revoked",
                current.version(), electionId, current.size(), current.crl().number(), current.crl().revoked().size());
    }

    public DeviceRegistry current() {
        return current;
    }

    /** Changed registry or CRL files refused since the start (unsigned, edited, older): the one in force stayed. */
    public long refusals() {
        return refusals.get();
    }

    /** Reloads if any of the files changed since the last attempt; called from one scheduler thread. */
    public void reloadIfChanged() {
        List<Object> now = stamps();
        if (now.equals(seen)) {
            return;
        }
        seen = now;
        try {
            DeviceRegistry fresh = load();
            DeviceRegistry previous = current;
            if (fresh.version() < previous.version()) {
                throw new HubException("registry version " + fresh.version() + " is older than version "
                        + previous.version() + " in force");
            }
            if (fresh.crl().number().compareTo(previous.crl().number()) < 0) {
                throw new HubException("CRL number " + fresh.crl().number() + " is older than number "
                        + previous.crl().number() + " in force");
            }
            if (fresh.version() == previous.version() && fresh.crl().number().equals(previous.crl().number())) {
                return;
            }
            current = fresh;
            LOG.info("device registry reloaded: version {}, {} certificates, CRL number {} with {} revoked",
                    fresh.version(), fresh.size(), fresh.crl().number(), fresh.crl().revoked().size());
        } catch (HubException | ProtocolException e) {
            refusals.incrementAndGet();
            LOG.error("device registry {} not reloaded, version {} stays in force: {}", registryFile,
                    current.version(), e.getMessage());
        }
    }

    private DeviceRegistry load() {
        Registry registry = Registry.readSigned(registryFile, ca);
        Crl crl = Crl.read(crlFile, ca);
        return DeviceRegistry.load(registry, crl, ca, electionId, current);
    }

    /** Modification time and size of the three files: a change to any one means read them again. */
    private List<Object> stamps() {
        return java.util.stream.Stream.of(registryFile, SignedFile.signatureOf(registryFile), crlFile)
                .map(RegistryWatch::stamp).toList();
    }

    private static Object stamp(Path file) {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            return Objects.hash(time, Files.size(file));
        } catch (IOException e) {
            return "missing";
        }
    }
}
