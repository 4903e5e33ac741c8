package org.rts.agent.cli;

import static org.rts.agent.AgentMain.ACCEPTED;
import static org.rts.agent.AgentMain.ERROR;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import org.rts.agent.Agent;
import org.rts.agent.AgentException;
import org.rts.agent.AgentSettings;
import org.rts.agent.i18n.Messages;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.agent.slip.ResultSlips;
import org.rts.protocol.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code device-agent slip}: more copies of an accepted result's slip, one per party agent; or, out of coverage,
 * the slip of a result still waiting for the hub, for an observer's phone to relay.
 */
@Command(name = "slip", mixinStandardHelpOptions = true,
        description = "Print the slip of a result the hub accepted again (the last one, or --seq N); with --pending,"
                + " of a result still waiting for the hub, for an observer's phone to send.")
public final class SlipCommand implements Callable<Integer> {
    @Mixin
    UnitDirs dirs;

    @Option(names = "--seq", description = "Message number of the result (device-agent status lists them).")
    Long seq;

    @Option(names = "--copies", defaultValue = "1", description = "Copies to print (default: ${DEFAULT-VALUE}).")
    int copies;

    @Option(names = "--pending", description = "The result waits for the hub (no network): its slip says so.")
    boolean pending;

    @Override
    public Integer call() {
        if (copies < 1 || copies > 20) {
            throw new AgentException("--copies must be 1..20, found: " + copies);
        }
        AgentSettings settings = new AgentSettings(dirs.bundle, dirs.data, null, 1, Duration.ofSeconds(20),
                Duration.ofSeconds(30)); // nothing is sent
        try (Agent agent = Agent.open(settings, Clock.systemUTC(), System.out, "slip")) {
            if (agent.hardware().printer() == null) {
                throw new AgentException("hardware profile '" + agent.hardware().profile() + "' has no printer");
            }
            OutboxEntry entry = agent.outbox().recent(Integer.MAX_VALUE).stream()
                    .filter(e -> e.kind().equals(Topics.RESULT) && (pending ? e.pending()
                            : "ACCEPTED".equals(e.status())))
                    .filter(e -> seq == null || e.seq() == seq)
                    .max(Comparator.comparingLong(OutboxEntry::seq))
                    .orElseThrow(() -> new AgentException(pending ? "no result of this unit waits for the hub"
                            : seq == null ? "no result of this unit was accepted yet"
                            : "message " + seq + " is not a result the hub accepted (device-agent status)"));
            for (int i = 0; i < copies; i++) {
                String line = print(agent, entry, entry.code());
                System.out.println(line);
                if (!line.startsWith("Slip printed")) {
                    return ERROR;
                }
            }
            return ACCEPTED;
        }
    }

    /** Prints the slip of {@code entry} on the unit's printer; the line says it was, or why not. */
    static String print(Agent agent, OutboxEntry entry, String code) {
        Messages messages = Messages.of(agent.bundle().config().language());
        String failed = new ResultSlips(agent.bundle().election(), messages)
                .print(agent.hardware().printer(), entry, code);
        return failed == null ? "Slip printed: result message " + entry.seq() + ", " + (code == null
                ? "not at the hub yet" : "receipt " + code) : "Slip not printed: " + failed;
    }
}
