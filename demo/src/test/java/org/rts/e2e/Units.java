package org.rts.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.rts.agent.outbox.Outbox;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.SignedFile;

/**
 * Units and hub hosts of a {@link TestElection} laid out as in the field: a unit keeps its own folder (key,
 * imported bundle, outbox), the hub host a copy of what the hub needs, which the technician updates by hand.
 */
final class Units {
    private Units() {
    }

    /** Leaves dev-1..dev-{@code count} where provisioning wrote them, with their outbox, as an import would. */
    static void ready(TestElection election, int count) {
        for (int i = 1; i <= count; i++) {
            Path outbox = election.files.bundle("dev-" + i).dir().resolve("outbox.db");
            if (!Files.exists(outbox)) {
                Outbox.create(outbox).close();
            }
        }
    }

    /** A unit's own folder under {@code root}: its key and bundle copied from provisioning, a new outbox. */
    static Path place(TestElection election, Path root, int n) throws IOException {
        Path from = election.files.bundle("dev-" + n).dir();
        Path unit = Files.createDirectories(root.resolve("dev-" + n));
        try (var files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString()
                    .startsWith("outbox.db")).toList()) {
                Files.copy(f, unit.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Outbox.create(unit.resolve("outbox.db")).close();
        return unit;
    }

    /** What the hub host holds: the hub's key and certificate, the CA certificate and CRL, the signed files. */
    static ElectionFiles hubHost(ElectionFiles election, Path dir) throws IOException {
        ElectionFiles host = new ElectionFiles(dir);
        for (Path f : List.of(election.ballot(), SignedFile.signatureOf(election.ballot()), election.caCertificate(),
                election.hubCertificate(), election.hubKey())) {
            Path to = dir.resolve(election.dir().relativize(f));
            Files.createDirectories(to.getParent());
            Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
        updateRegistry(election, host);
        return host;
    }

    /** The technician copies the registry, its signature and the CRL to the hub host. */
    static void updateRegistry(ElectionFiles election, ElectionFiles host) throws IOException {
        for (Path f : List.of(election.registry(), SignedFile.signatureOf(election.registry()), election.crl())) {
            Path to = host.dir().resolve(election.dir().relativize(f));
            Files.createDirectories(to.getParent());
            Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
