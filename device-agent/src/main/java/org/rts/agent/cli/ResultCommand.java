package org.rts.agent.cli;

import static org.rts.agent.AgentMain.REFUSED;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rts.agent.Agent;
import org.rts.agent.AgentException;
import org.rts.agent.photo.FormPhotos;
import org.rts.agent.workflow.Draft;
import org.rts.agent.workflow.TallyForm;
import org.rts.protocol.election.Election;
import org.rts.protocol.message.Photo;
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

    @Option(names = "--photo", description = "JPEG of the signed form, where the ballot asks for one (default: the"
            + " unit's camera takes it).")
    Path photo;

    @Option(names = "--no-photo", description = "Send without the photo of the form, where the ballot makes it"
            + " optional.")
    boolean noPhoto;

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
            return HubAnswers.transmit(agent, agent.workflow().commit(draft, photo(agent)), common.waitSeconds);
        }
    }

    /** The photo of the signed form the result is bound to, where the ballot asks for one; null: none asked. */
    private Photo photo(Agent agent) throws IOException {
        Election.Photos asked = agent.bundle().election().photos();
        if (asked == null) {
            if (photo != null) {
                throw new AgentException("this election's ballot asks for no photo of the form: run without --photo");
            }
            return null;
        }
        if (noPhoto) {
            if (asked == Election.Photos.REQUIRED) {
                throw new AgentException("this election requires the photo of the signed form: give it with --photo"
                        + " FILE if the unit's camera cannot take it");
            }
            System.out.println("Sent without a photo of the form, as the ballot allows.");
            return Photo.SKIPPED;
        }
        byte[] jpeg;
        if (photo != null) {
            jpeg = Files.readAllBytes(photo);
        } else if (agent.hardware().camera() != null) {
            try {
                jpeg = agent.hardware().camera().capture();
            } catch (IOException e) {
                throw new AgentException("the camera took no photo of the form (" + e.getMessage() + "): give one"
                        + " with --photo FILE" + (asked == Election.Photos.OPTIONAL ? " or send with --no-photo" : ""));
            }
        } else {
            throw new AgentException("this election asks for the photo of the signed form and this unit's hardware"
                    + " profile names no camera: give it with --photo FILE"
                    + (asked == Election.Photos.OPTIONAL ? " or send with --no-photo" : ""));
        }
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            throw new AgentException("the photo of the form must be a JPEG" + (photo == null ? "" : ": " + photo
                    + " is not one"));
        }
        Photo kept = new FormPhotos(agent.dataDir().resolve("photos")).keep(jpeg);
        System.out.printf("Photo of the signed form: %d KB, SHA-256 %s%n", (kept.bytes() + 1023) / 1024,
                kept.sha256());
        return kept;
    }
}
