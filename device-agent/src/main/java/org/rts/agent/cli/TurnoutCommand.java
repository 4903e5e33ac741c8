package org.rts.agent.cli;

import static org.rts.agent.AgentMain.REFUSED;

import java.time.Instant;
import java.util.concurrent.Callable;
import org.rts.agent.Agent;
import org.rts.agent.workflow.Draft;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code device-agent turnout}: the number of voters so far. */
@Command(name = "turnout", mixinStandardHelpOptions = true,
        description = "Sign and transmit the number of voters so far.")
public final class TurnoutCommand implements Callable<Integer> {
    @Mixin
    TransmitOptions common;

    @Option(names = "--voters", required = true, description = "Voters who have voted so far.")
    int voters;

    @Option(names = "--at", description = "Time of the count, e.g. 2026-11-22T12:00:00Z (default: now).")
    Instant at;

    @Override
    public Integer call() throws Exception {
        try (Agent agent = common.open("turnout")) {
            Draft draft = agent.workflow().turnout(voters, at);
            if (!ReviewPrompt.confirm(agent, draft, true, false, null)) {
                return REFUSED;
            }
            return HubAnswers.transmit(agent, agent.workflow().commit(draft), common.waitSeconds);
        }
    }
}
