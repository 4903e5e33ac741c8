package org.rts.agent.cli;

import static org.rts.agent.AgentMain.ACCEPTED;
import static org.rts.agent.AgentMain.BROKER_REFUSED;
import static org.rts.agent.AgentMain.HELD;
import static org.rts.agent.AgentMain.PENDING;
import static org.rts.agent.AgentMain.REJECTED;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.rts.agent.Agent;
import org.rts.agent.AgentException;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.agent.photo.PhotoUploads;
import org.rts.agent.transmission.BrokerRefusedException;
import org.rts.agent.transmission.Sender;
import org.rts.protocol.Topics;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Receipt;

/** Waits for the hub's answer to a message, shows it on the unit's display, and gives the command's exit code. */
final class HubAnswers {
    private HubAnswers() {
    }

    /** Sends {@code entry}, just committed, and waits up to {@code waitSeconds} for its receipt. */
    static int transmit(Agent agent, OutboxEntry entry, int waitSeconds) throws InterruptedException {
        System.out.printf("Signed and stored as message %d; sending to the hub...%n", entry.seq());
        Sender sender = agent.connect();
        CompletableFuture<Sender.Answer> answer = sender.await(entry.hash());
        sender.wake();
        long deadline = deadline(waitSeconds);
        int code = show(agent, answer, deadline);
        if (code != ACCEPTED && code != REJECTED) {
            return code;
        }
        Set<String> photos = new LinkedHashSet<>();
        PhotoUploads.photoOf(entry).ifPresent(p -> photos.add(p.sha256()));
        photos.addAll(PhotoUploads.unsent(agent.outbox()).keySet());
        return worse(code, photos(agent, photos, deadline));
    }

    /**
     * Waits until {@code deadlineNanos} for the hub to keep the photos of the forms {@code photos}, and
     * says how it went: {@code ACCEPTED} when every one is kept, else {@code PENDING} (they stay on the unit).
     */
    static int photos(Agent agent, Set<String> photos, long deadlineNanos) throws InterruptedException {
        if (photos.isEmpty()) {
            return ACCEPTED;
        }
        System.out.printf("Sending %d photo(s) of the signed form(s)...%n", photos.size());
        agent.connect();
        int waiting = 0;
        for (String sha : photos) {
            try {
                agent.photos().awaitKept(sha).get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                System.out.println("Photo of the form kept by the hub: " + sha);
            } catch (TimeoutException | ExecutionException | java.util.concurrent.CancellationException e) {
                waiting++;
            }
        }
        if (waiting > 0) {
            System.out.printf("%d photo(s) not at the hub yet: they are kept on the unit and go out with"
                    + " 'device-agent send' or the unit service.%n", waiting);
            return PENDING;
        }
        return ACCEPTED;
    }

    /** The more urgent of two exit codes: a photo still to go does not hide a held or refused message. */
    static int worse(int a, int b) {
        return a == ACCEPTED ? b : a;
    }

    /** {@link System#nanoTime()} {@code waitSeconds} from now. */
    static long deadline(int waitSeconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
    }

    /** Shows the answer that {@code future} brings by {@code deadlineNanos}, or that none came. */
    static int show(Agent agent, CompletableFuture<Sender.Answer> future, long deadlineNanos)
            throws InterruptedException {
        Sender.Answer answer;
        try {
            answer = future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            agent.hardware().display().show(List.of("NO RECEIPT YET",
                    "The message is safe in the outbox.",
                    "It goes out again with 'device-agent send':",
                    "keep the unit on and run it again."));
            return PENDING;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BrokerRefusedException refused) {
                agent.hardware().display().show(List.of("THIS UNIT IS REFUSED BY THE BROKER",
                        refused.getMessage(),
                        "Its certificate may be revoked or unknown there.",
                        "The message is kept. Call the technician."));
                return BROKER_REFUSED;
            }
            throw new AgentException("waiting for the receipt failed: " + e.getCause().getMessage(), e.getCause());
        }
        Receipt r = answer.receipt();
        List<String> lines = new ArrayList<>();
        if (answer.held()) {
            lines.add("NOT YET TAKEN BY THE HUB  message " + answer.entry().seq() + " (" + answer.entry().kind() + ")");
            lines.add(plainWords(r));
            r.reasons().forEach(f -> lines.add(f.code() + ": " + f.detail()));
            lines.add("The message is kept and sent again. Call the technician.");
            agent.hardware().display().show(lines);
            return HELD;
        }
        if (r.accepted()) {
            lines.add("ACCEPTED  message " + answer.entry().seq() + " (" + answer.entry().kind() + ")");
            lines.add("Receipt code: " + r.code());
            lines.add("Write this code on the paper form.");
            r.warnings().forEach(w -> lines.add("warning " + w.code()));
            if (answer.entry().kind().equals(Topics.RESULT) && agent.hardware().printer() != null) {
                lines.add(SlipCommand.print(agent, answer.entry(), r.code()));
            }
        } else {
            lines.add("REJECTED BY THE HUB  message " + answer.entry().seq() + " (" + answer.entry().kind() + ")");
            lines.add("Receipt code: " + r.code());
            for (Finding f : r.reasons()) {
                lines.add(f.code() + ": " + f.detail());
            }
        }
        agent.hardware().display().show(lines);
        return r.accepted() ? ACCEPTED : REJECTED;
    }

    private static String plainWords(Receipt r) {
        if (r.has(Reason.CERTIFICATE_UNTRUSTED)) {
            return "The hub does not know this unit's certificate yet (the hub needs the new registry).";
        }
        if (r.has(Reason.DEVICE_REVOKED)) {
            return "The hub says this unit's certificate was revoked.";
        }
        return "The hub could not check this message.";
    }
}
