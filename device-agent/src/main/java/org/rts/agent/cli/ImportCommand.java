package org.rts.agent.cli;

import static org.rts.agent.AgentMain.ACCEPTED;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.rts.agent.AgentException;
import org.rts.agent.ProcessLock;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.bundle.Identity;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.agent.outbox.OutboxLostException;
import org.rts.agent.workflow.Workflow;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code device-agent import}: installs a bundle from provisioning. Messages still waiting for another station stop
 * it unless abandoned; waiting messages for the same station are signed again when the certificate changed.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Install the bundle made by 'provisioning enroll' (or 'reassign') after checking it"
                + " against this unit's key and the election CA. Creates the outbox on the first import;"
                + " messages still waiting are signed again with a new certificate.")
public final class ImportCommand implements Callable<Integer> {
    @Mixin
    UnitDirs dirs;

    @Option(names = "--from", required = true, description = "Folder with the bundle from provisioning.")
    Path from;

    @Option(names = "--abandon-pending", description = "Give up messages still waiting for another station"
            + " (they stay in the outbox, marked ABANDONED).")
    boolean abandon;

    @Override
    public Integer call() {
        Path outboxFile = dirs.outboxFile();
        try (ProcessLock lock = ProcessLock.acquire(dirs.dataDir(), "import")) {
            String oldCertificate = Files.exists(dirs.bundle.resolve("device.pem"))
                    ? Certificates.thumbprint(Pem.readCertificate(dirs.bundle.resolve("device.pem"))) : null;
            List<OutboxEntry> waiting = waiting(outboxFile);
            Bundle b = Identity.importBundle(dirs.bundle, from, Instant.now(), staged -> {
                List<OutboxEntry> elsewhere = waiting.stream()
                        .filter(e -> !e.station().equals(staged.stationId())).toList();
                if (!elsewhere.isEmpty() && !abandon) {
                    throw new AgentException("not imported: " + elsewhere.size() + " message(s) for station "
                            + elsewhere.get(0).station() + " still wait for the hub's receipt (first: seq "
                            + elsewhere.get(0).seq() + ", " + elsewhere.get(0).summary() + "). Send them"
                            + " first with 'device-agent send', or import with --abandon-pending to give them up");
                }
            });
            System.out.printf("bundle imported: device %s, station %s, election %s (%s), broker %s%n",
                    b.deviceId(), b.stationId(), b.election().id(), b.election().mode(),
                    String.join(", ", b.config().brokerUrls()));
            if (!Files.exists(outboxFile)) {
                Outbox.create(outboxFile).close();
                System.out.println("outbox created: " + outboxFile);
                return ACCEPTED;
            }
            if (waiting.isEmpty() || Certificates.thumbprint(b.deviceCertificate()).equals(oldCertificate)) {
                return ACCEPTED;
            }
            try (Outbox outbox = Outbox.open(outboxFile)) {
                if (abandon) {
                    int n = outbox.abandonPending(Instant.now());
                    System.out.printf("%d waiting message(s) abandoned (kept in the outbox for review)%n", n);
                } else {
                    int n = new Workflow(b, outbox, Clock.systemUTC()).resignPending("new certificate "
                            + Certificates.thumbprint(b.deviceCertificate()));
                    System.out.printf("%d waiting message(s) signed again with the new certificate%n", n);
                }
            }
            return ACCEPTED;
        }
    }

    private static List<OutboxEntry> waiting(Path outboxFile) {
        if (!Files.exists(outboxFile)) {
            return List.of();
        }
        try (Outbox outbox = Outbox.open(outboxFile)) {
            return outbox.pending();
        } catch (OutboxLostException e) {
            System.out.println("warning: " + e.getMessage());
            return List.of();
        }
    }
}
