package org.rts.agent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.AgentException;
import org.rts.agent.TestClock;
import org.rts.agent.TestUnit;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.i18n.Messages;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.hardware.Button;
import org.rts.hardware.Indicator;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Constituency;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.message.Mode;

/** A unit in one constituency offers its station's races only, and refuses another constituency's before signing. */
class OfficerFlowBallotTest {
    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(Instant.parse("2026-11-26T16:00:00Z"));
    private final List<String> screen = new ArrayList<>();
    private Outbox outbox;
    private Workflow workflow;
    private OfficerFlow flow;

    @BeforeEach
    void setUp() {
        List<Candidate> two = List.of(new Candidate("a", "Alpha"), new Candidate("b", "Beta"));
        List<Candidate> three = List.of(new Candidate("x", "Xi"), new Candidate("y", "Ypsilon"),
                new Candidate("z", "Zeta"));
        Election election = new Election("el", "Election", Mode.LIVE, List.of(new Race("president", "President",
                two)), List.of(new Constituency("north", "North", "Nineveh", List.of(new Race("north-seats",
                        "North seats", two))), new Constituency("south", "South", "Basra",
                        List.of(new Race("south-seats", "South seats", three)))),
                List.of(new Station("S-1", "One", 500, null, "C-1", "north", null),
                        new Station("S-2", "Two", 500, null, "C-2", "south", null)), null, null);
        ElectionFiles files = TestUnit.election(dir.resolve("election"), clock, election);
        Path bundleDir = TestUnit.enrol(files, clock, files.bundle("dev-2").dir(), "dev-2", "S-2");
        outbox = Outbox.create(dir.resolve("data/outbox.db"));
        workflow = new Workflow(Bundle.load(bundleDir, clock.instant()), outbox, clock);
        flow = new OfficerFlow(workflow, election, "S-2", Messages.of("en"), new FlowOutputs() {
            @Override
            public void show(List<String> lines) {
                screen.clear();
                screen.addAll(lines);
            }

            @Override
            public void indicator(Indicator indicator, boolean on) {
            }

            @Override
            public void beep(int millis) {
            }

            @Override
            public void committed(OutboxEntry entry) {
            }

            @Override
            public void shutdown() {
            }
        }, clock, 4);
        flow.render();
    }

    @AfterEach
    void tearDown() {
        outbox.close();
    }

    private String text() {
        return String.join("\n", screen);
    }

    @Test
    void the_menu_offers_exactly_the_races_of_the_stations_ballot() {
        List<String> menu = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            menu.add(screen.stream().filter(l -> l.startsWith("> ")).findFirst().orElseThrow());
            flow.pressed(Button.DOWN);
        }
        assertEquals(List.of("> Turnout", "> Result President", "> Result South seats", "> Turnout"), menu,
                "the national race, then the station's constituency's, and nothing of the north");
        flow.pressed(Button.DOWN); // from the president's result to the south's
        flow.pressed(Button.NEXT);
        assertEquals(OfficerFlow.State.ENTRY, flow.state());
        assertTrue(text().startsWith("1/9 "), "south seats: 6 figures and 3 candidates: " + text());
    }

    @Test
    void another_constituencys_race_is_refused_before_signing() {
        TallyForm north = new TallyForm("north-seats", 500, 600, 198, 2, 400, 10, Map.of("a", 200, "b", 190), null);
        flow.loaded(north, "el", "S-2");
        assertEquals(OfficerFlow.State.IDLE, flow.state());
        assertTrue(text().contains("This race is not on this station's ballot"), text());
        AgentException refused = assertThrows(AgentException.class, () -> workflow.result(north),
                "the unit's own extract of the ballot does not even hold the north's race");
        assertTrue(refused.getMessage().contains("RACE_NOT_ON_BALLOT"), refused.getMessage());
        assertEquals(List.of(), outbox.pending());
    }
}
