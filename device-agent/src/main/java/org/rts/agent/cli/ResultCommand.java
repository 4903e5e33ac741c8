package org.rts.agent.cli;

import static org.rts.agent.AgentMain.REFUSED;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rts.agent.Agent;
import org.rts.agent.AgentException;
import org.rts.agent.workflow.Draft;
import org.rts.agent.workflow.TallyForm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code device-agent result}: one race's result, from a tally file or typed at the console. */
@Command(name = "result", mixinStandardHelpOptions = true,
        description = "Review, sign and transmit the station's result for one race.")
public final class ResultCommand implements Callable<Integer> {
    @Mixin
    TransmitOptions common;

    @Option(names = "--file", description = "Tally file (.json or .csv); without it the figures are asked for.")
    Path file;

    @Option(names = "--race",
            description = "Race to enter at the console (default: the first race of the station's ballot).")
    String race;

    @Option(names = "--yes", description = "Transmit despite warnings (after checking them on the paper form).")
    boolean yes;

    @Override
    public Integer call() throws Exception {
        try (Agent agent = common.open("result")) {
            BufferedReader console = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            TallyForm form;
            if (file != null) {
                form = TallyForm.read(file);
            } else {
                var election = agent.bundle().election();
                String station = agent.bundle().stationId();
                var chosen = race == null ? election.ballot(station).get(0) : election.ballot(station).stream()
                        .filter(r -> r.id().equals(race)).findFirst().orElseThrow(() -> new AgentException("race '"
                                + race + "' is not on the ballot of station " + station + ", which votes in "
                                + election.ballot(station).stream().map(r -> r.id()).toList()));
                int registered = election.station(station).orElseThrow().registeredVoters(chosen.id());
                form = TallyForm.prompt(chosen, registered, console, System.out);
            }
            Draft draft = agent.workflow().result(form);
            if (!ReviewPrompt.confirm(agent, draft, yes, file == null, console)) {
                return REFUSED;
            }
            return HubAnswers.transmit(agent, agent.workflow().commit(draft), common.waitSeconds);
        }
    }
}
