package org.rts.agent.cli;

import static org.rts.agent.AgentMain.ACCEPTED;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code device-agent status}: the unit, what waits for the hub, and the last 20 messages. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the outbox and the last receipts.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    UnitDirs dirs;

    @Override
    public Integer call() {
        Bundle b = Bundle.load(dirs.bundle, Instant.now());
        System.out.printf("Device %s, station %s, election %s (%s)%n", b.deviceId(), b.stationId(),
                b.election().id(), b.election().mode());
        try (Outbox outbox = Outbox.open(dirs.outboxFile())) {
            List<OutboxEntry> pending = outbox.pending();
            System.out.printf("%d message(s) waiting for the hub%n", pending.size());
            System.out.printf("%-5s %-8s %-10s %-10s %-5s %s%n", "SEQ", "KIND", "STATE", "RECEIPT", "SENT",
                    "SUMMARY");
            for (OutboxEntry e : outbox.recent(20)) {
                String state = e.pending() ? (e.held() != null ? "HELD" : "WAITING") : e.status();
                String note = e.held() != null ? e.held() : e.reasons();
                System.out.printf("%-5d %-8s %-10s %-10s %-5d %s%s%n", e.seq(), e.kind(), state,
                        e.code() == null ? "-" : e.code(), e.attempts(), e.summary(),
                        note == null || note.isEmpty() ? "" : "  [" + note + "]");
            }
        }
        return ACCEPTED;
    }
}
