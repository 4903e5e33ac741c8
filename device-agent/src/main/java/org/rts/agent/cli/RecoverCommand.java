package org.rts.agent.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.rts.agent.Agent;
import org.rts.agent.AgentException;
import org.rts.agent.AgentSettings;
import org.rts.agent.ProcessLock;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.agent.outbox.OutboxLostException;
import org.rts.agent.transmission.Sender;
import org.rts.agent.workflow.Workflow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code device-agent recover}: a new outbox after the old one was lost, and a chain restart for the hub. */
@Command(name = "recover", mixinStandardHelpOptions = true,
        description = "After the outbox was lost (missing, empty or damaged): keep what is left aside, start a"
                + " new outbox, and tell the hub with a signed chain restart, which it records for review.")
public final class RecoverCommand implements Callable<Integer> {
    @Mixin
    TransmitOptions common;

    @Override
    public Integer call() throws Exception {
        AgentSettings settings = common.settings();
        ProcessLock lock = ProcessLock.acquire(settings.data(), "recover");
        try {
            Bundle bundle = Bundle.load(settings.bundle(), Instant.now());
            Path file = settings.outboxFile();
            try {
                Outbox.open(file).close();
                throw new AgentException("the outbox " + file + " is whole: nothing to recover ('device-agent"
                        + " send' sends what waits in it)");
            } catch (OutboxLostException lost) {
                System.out.println("outbox lost: " + lost.getMessage());
            }
            Outbox.setAside(file, Instant.now()).ifPresent(p -> System.out.println("kept aside as " + p));
            OutboxEntry restart;
            try (Outbox outbox = Outbox.create(file)) {
                restart = new Workflow(bundle, outbox, Clock.systemUTC()).restartAfterLoss();
            }
            System.out.println("new outbox " + file + "; chain restart signed, telling the hub...");
            try (Agent agent = Agent.open(settings, Clock.systemUTC(), System.out, lock)) {
                Sender sender = agent.connect();
                return HubAnswers.show(agent, sender.await(restart.hash()), HubAnswers.deadline(common.waitSeconds));
            }
        } finally {
            lock.close();
        }
    }
}
