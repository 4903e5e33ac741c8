package org.rts.agent.cli;

import static org.rts.agent.AgentMain.ACCEPTED;
import static org.rts.agent.AgentMain.ERROR;
import static org.rts.agent.AgentMain.PENDING;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.rts.agent.AgentException;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.agent.transmission.ReceiptVerifier;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.stick.Stick;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * A unit out of coverage sends by hand: its waiting messages go to a USB stick ({@code export-outbox}), the district
 * centre's hub answers them on the stick ({@code hub import}), and the receipts come back to the unit
 * ({@code import-receipts}), checked and recorded as if they had come over MQTT.
 */
public final class StickCommands {
    private StickCommands() {
    }

    @Command(name = "export-outbox", mixinStandardHelpOptions = true,
            description = "Write the messages waiting for the hub to a USB stick (signed messages only: nothing"
                    + " secret), for the district centre's hub.")
    public static final class Export implements Callable<Integer> {
        @Mixin
        UnitDirs dirs;

        @Parameters(index = "0", paramLabel = "DIR", description = "The stick (its mount point).")
        Path stick;

        @Override
        public Integer call() {
            Bundle b = Bundle.load(dirs.bundle, Instant.now());
            Path unit = Stick.unitDir(stick, b.election().id(), b.deviceId());
            try (Outbox outbox = Outbox.open(dirs.outboxFile())) {
                List<OutboxEntry> pending = outbox.pending();
                for (OutboxEntry e : pending) {
                    Stick.write(Stick.messageFile(unit, e.seq(), e.kind()), e.jws().getBytes(StandardCharsets.US_ASCII));
                }
                System.out.printf("%d message(s) waiting for the hub written to %s%s%n", pending.size(), unit,
                        pending.isEmpty() ? "" : ": carry the stick to the district centre, then run"
                        + " 'device-agent import-receipts " + stick + "' with it");
                return ACCEPTED;
            } catch (IOException e) {
                throw new AgentException("cannot write to the stick " + stick + ": " + e.getMessage()
                        + " (is it mounted, writable, not full?); the messages stay in the outbox");
            }
        }
    }

    @Command(name = "import-receipts", mixinStandardHelpOptions = true,
            description = "Take the hub's receipts from a USB stick: each is checked with the hub's certificate and"
                    + " clears its message from the outbox, as if it had come over the network.")
    public static final class Import implements Callable<Integer> {
        @Mixin
        UnitDirs dirs;

        @Parameters(index = "0", paramLabel = "DIR", description = "The stick (its mount point).")
        Path stick;

        @Override
        public Integer call() {
            Bundle b = Bundle.load(dirs.bundle, Instant.now());
            Path unit = Stick.unitDir(stick, b.election().id(), b.deviceId());
            ReceiptVerifier verifier = new ReceiptVerifier(b.election().id(), b.deviceId(), b.hubCertificate());
            int recorded = 0;
            int problems = 0;
            try (Outbox outbox = Outbox.open(dirs.outboxFile());
                 Stream<Path> files = Files.isDirectory(unit, LinkOption.NOFOLLOW_LINKS) ? Files.list(unit)
                         : Stream.empty()) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".receipt")).sorted()
                        .toList()) {
                    String problem = take(file, verifier, outbox);
                    if (problem == null) {
                        recorded++;
                    } else {
                        problems++;
                        System.out.println(file.getFileName() + ": " + problem);
                    }
                }
                int left = outbox.pending().size();
                System.out.printf("%d receipt(s) recorded from %s, %d refused; %d message(s) still wait for the hub%n",
                        recorded, unit, problems, left);
                return left == 0 ? ACCEPTED : problems > 0 ? ERROR : PENDING;
            } catch (IOException e) {
                throw new AgentException("cannot read the stick " + stick + ": " + e.getMessage());
            }
        }

        /** Records one receipt file; what is wrong with it, or null. */
        private static String take(Path file, ReceiptVerifier verifier, Outbox outbox) throws IOException {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return "not a plain file (a link or a folder): not read";
            }
            if (Files.size(file) > 1 << 20) {
                return "too large for a receipt (" + Files.size(file) + " bytes): not read";
            }
            byte[] bytes = Files.readAllBytes(file);
            Receipt receipt;
            try {
                receipt = verifier.verify(bytes);
            } catch (AgentException e) {
                return e.getMessage();
            }
            OutboxEntry entry = outbox.byHash(receipt.msg()).orElse(null);
            if (entry == null) {
                return "a receipt for a message this unit did not send";
            }
            if (!entry.pending()) {
                return null; // recorded before (the stick came back twice, or the network was faster)
            }
            if (!receipt.isFinal()) {
                return "the hub did not decide seq " + entry.seq() + " yet (" + receipt.reasons() + "): it stays in"
                        + " the outbox and goes again";
            }
            outbox.recordReceipt(entry.hash(), receipt.status().name(), receipt.code(), receipt.reasons().stream()
                    .map(Finding::toString).collect(Collectors.joining("; ")), new String(bytes,
                    StandardCharsets.US_ASCII), Instant.now());
            System.out.printf("seq %d (%s) %s by the hub, receipt %s%n", entry.seq(), entry.kind(), receipt.status(),
                    receipt.code());
            return null;
        }
    }
}
