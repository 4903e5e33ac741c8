package org.rts.agent.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.rts.agent.AgentException;
import org.rts.protocol.files.BundleFiles;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Csr;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.PkiException;

/** The unit's identity on disk: its key (made here, never copied out), its request, its imported bundle. */
public final class Identity {
    private Identity() {
    }

    /** {@link Csr#writeRequest}: the unit's key, made here and kept, and its certificate request. */
    public static boolean enrol(Path dir, String deviceId) {
        try {
            BundleFiles bundle = new BundleFiles(dir);
            return Csr.writeRequest(bundle.deviceKey(), bundle.request(), deviceId);
        } catch (PkiException e) {
            throw new AgentException(e.getMessage(), e);
        }
    }

    /** Files a bundle from provisioning brings; the key is not one of them. */
    private static List<Path> incoming(BundleFiles f) {
        return List.of(f.deviceCertificate(), f.caCertificate(), f.hubCertificate(), f.ballot(),
                SignedFile.signatureOf(f.ballot()), f.config(), SignedFile.signatureOf(f.config()));
    }

    /**
     * Installs the bundle in {@code from} next to this unit's key, after checking it as a whole in a staging
     * folder: a bundle for another key, expired, tampered with, or from another CA than the one this unit already
     * holds is refused and nothing changes.
     */
    public static Bundle importBundle(Path dir, Path from, Instant now) {
        return importBundle(dir, from, now, staged -> { });
    }

    /** As {@link #importBundle(Path, Path, Instant)}; {@code beforeInstall} sees the checked bundle and may refuse. */
    public static Bundle importBundle(Path dir, Path from, Instant now,
                                      java.util.function.Consumer<Bundle> beforeInstall) {
        BundleFiles target = new BundleFiles(dir);
        BundleFiles source = new BundleFiles(from);
        if (!Files.exists(target.deviceKey())) {
            throw new AgentException("this unit has no key in " + dir + ": run 'device-agent enroll' first");
        }
        Path staging = null;
        try {
            staging = Files.createTempDirectory(dir.toAbsolutePath(), ".import");
            BundleFiles staged = new BundleFiles(staging);
            Files.copy(target.deviceKey(), staged.deviceKey(), StandardCopyOption.COPY_ATTRIBUTES);
            List<Path> in = incoming(source);
            List<Path> st = incoming(staged);
            for (int i = 0; i < in.size(); i++) {
                if (!Files.exists(in.get(i))) {
                    throw new AgentException("the bundle in " + from + " has no " + in.get(i).getFileName()
                            + ": copy the whole folder made by 'provisioning enroll'");
                }
                Files.copy(in.get(i), st.get(i));
            }
            Bundle bundle = Bundle.load(staging, now);
            if (Files.exists(target.caCertificate()) && !Certificates.thumbprint(Pem.readCertificate(
                    target.caCertificate())).equals(Certificates.thumbprint(bundle.caCertificate()))) {
                throw new AgentException("the bundle in " + from + " is from another election's CA ("
                        + bundle.caCertificate().getSubject() + "): this unit belongs to "
                        + Pem.readCertificate(target.caCertificate()).getSubject()
                        + "; decommission it before moving it to another election");
            }
            beforeInstall.accept(bundle);
            List<Path> out = incoming(target);
            for (int i = 0; i < st.size(); i++) {
                Files.move(st.get(i), out.get(i), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            return bundle;
        } catch (IOException e) {
            throw new AgentException("cannot import the bundle from " + from + ": " + e.getMessage(), e);
        } finally {
            if (staging != null) {
                delete(staging);
            }
        }
    }

    /** Overwrites and deletes the key, then deletes the bundle and the outbox. */
    public static void wipe(Path dir, Path outboxFile) {
        BundleFiles files = new BundleFiles(dir);
        try {
            if (Files.exists(files.deviceKey())) {
                long size = Files.size(files.deviceKey());
                Files.write(files.deviceKey(), new byte[(int) size]);
                try (var channel = java.nio.channels.FileChannel.open(files.deviceKey(),
                        java.nio.file.StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
            for (Path p : List.of(files.deviceKey(), files.request(), outboxFile,
                    outboxFile.resolveSibling(outboxFile.getFileName() + "-wal"),
                    outboxFile.resolveSibling(outboxFile.getFileName() + "-shm"))) {
                Files.deleteIfExists(p);
            }
            for (Path p : incoming(files)) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new AgentException("cannot wipe " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a leftover staging folder is harmless and named .import*
        }
    }
}
