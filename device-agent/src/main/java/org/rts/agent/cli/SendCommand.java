package org.rts.agent.cli;

import static org.rts.agent.AgentMain.ACCEPTED;
import static org.rts.agent.AgentMain.BROKER_REFUSED;
import static org.rts.agent.AgentMain.HELD;
import static org.rts.agent.AgentMain.PENDING;
import static org.rts.agent.AgentMain.REFUSED;
import static org.rts.agent.AgentMain.REJECTED;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.rts.agent.Agent;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.agent.photo.PhotoUploads;
import org.rts.agent.transmission.Sender;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code device-agent send}: what waits in the outbox; exits with the most urgent of the answers. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Send whatever is still in the outbox and wait for the receipts.")
public final class SendCommand implements Callable<Integer> {
    /** Exit codes from the least to the most urgent. */
    private static final List<Integer> URGENCY = List.of(ACCEPTED, REFUSED, REJECTED, PENDING, HELD, BROKER_REFUSED);

    @Mixin
    TransmitOptions common;

    @Override
    public Integer call() throws Exception {
        try (Agent agent = common.open("send")) {
            List<OutboxEntry> pending = agent.outbox().pending();
            long deadline = HubAnswers.deadline(common.waitSeconds);
            if (pending.isEmpty()) {
                if (PhotoUploads.unsent(agent.outbox()).isEmpty()) {
                    System.out.println("Outbox is empty: nothing to send.");
                    return ACCEPTED;
                }
                return HubAnswers.photos(agent, PhotoUploads.unsent(agent.outbox()).keySet(), deadline);
            }
            System.out.printf("%d message(s) in the outbox, sending...%n", pending.size());
            Sender sender = agent.connect();
            List<CompletableFuture<Sender.Answer>> answers = new ArrayList<>();
            pending.forEach(e -> answers.add(sender.await(e.hash())));
            int worst = ACCEPTED;
            for (CompletableFuture<Sender.Answer> answer : answers) {
                int code = HubAnswers.show(agent, answer, deadline);
                worst = URGENCY.indexOf(code) > URGENCY.indexOf(worst) ? code : worst;
            }
            int photos = HubAnswers.photos(agent, PhotoUploads.unsent(agent.outbox()).keySet(), deadline);
            return URGENCY.indexOf(photos) > URGENCY.indexOf(worst) ? photos : worst;
        }
    }
}
