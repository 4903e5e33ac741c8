package org.rts.hub.tally;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.intake.Intake;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.protocol.Topics;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Station;
import org.rts.protocol.message.Mode;

/** Turnout and results per station, region and nation, with stations reported, pending, rejected and flagged. */
class LiveTallyTest {
    @TempDir
    Path dir;

    private TestElection election;
    private MessageStore store;
    private Intake intake;
    private Election withRegions;

    @BeforeEach
    void setUp() {
        election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        store = MessageStore.open(dir.resolve("hub.db"));
        intake = election.intake(store);
        Election e = election.election;
        withRegions = new Election(e.id(), e.name(), e.mode(), e.races(), List.of(
                new Station("S-1", "Station one", 500, "Baghdad"), new Station("S-2", "Station two", 480, "Baghdad"),
                new Station("S-3", "Station three", 450, "Basra")), e.tolerances(), e.polling());
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private void send(Device d, byte[] m, String kind) {
        intake.process(Topics.report(election.id, d.id, kind), m);
    }

    @Test
    void turnout_and_results_add_up_per_region_and_for_the_nation() {
        Device d1 = election.device(1);
        Device d2 = election.device(2);
        Device d3 = election.device(3);
        send(d1, d1.chain(d1.sign(d1.turnout(200))), Topics.TURNOUT);
        send(d1, d1.chain(d1.sign(d1.turnout(300))), Topics.TURNOUT);
        send(d3, d3.chain(d3.sign(d3.turnout(100))), Topics.TURNOUT);
        send(d1, d1.chain(d1.sign(d1.result(200, 120, 70))), Topics.RESULT);
        // S-2: more in the box than registered: rejected, still pending
        send(d2, d2.chain(d2.sign(d2.result(480, 600, 98, 2, 500, 10, List.of(200, 200, 90)))), Topics.RESULT);
        // S-3: accepted with a warning (many invalid ballots): flagged
        send(d3, d3.chain(d3.sign(d3.result(450, 600, 198, 2, 400, 150, List.of(100, 100, 50)))), Topics.RESULT);

        LiveTally.Picture p = LiveTally.compute(withRegions, store);
        LiveTally.Area nation = p.nation();
        assertEquals(3, nation.stations());
        assertEquals(400, nation.turnout(), "the latest (highest) turnout of each station that reported");
        assertEquals(2, nation.turnoutReported());
        assertEquals(400 * 100.0 / (500 + 450), nation.turnoutPercent(), 1e-9);
        LiveTally.RaceFigures race = nation.races().get(0);
        assertEquals(Map.of("a", 300L, "b", 220L, "c", 120L), race.votes());
        assertEquals(2, race.reported());
        assertEquals(1, race.pending());
        assertEquals(1, race.rejected());
        assertEquals(0, race.conflicts());
        assertEquals(1, race.flagged());

        assertEquals(List.of("Baghdad", "Basra"), p.regions().stream().map(LiveTally.Area::region).toList());
        LiveTally.Area baghdad = p.regions().get(0);
        assertEquals(300, baghdad.turnout());
        assertEquals(Map.of("a", 200L, "b", 120L, "c", 70L), baghdad.races().get(0).votes());
        assertEquals(1, baghdad.races().get(0).pending());
        LiveTally.Area basra = p.regions().get(1);
        assertEquals(1, basra.races().get(0).flagged());
        assertEquals(300, p.stations().get(0).turnout());
        assertEquals(null, p.stations().get(1).turnout(), "no turnout from S-2 yet");
    }
}
