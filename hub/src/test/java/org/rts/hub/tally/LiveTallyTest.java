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

    @Test
    void a_constituencys_race_is_counted_and_pending_at_its_own_stations_only() {
        TestElection districts = TestElection.withConstituencies(dir.resolve("districts"), "tcp://127.0.0.1:1883");
        Intake to = districts.intake(store);
        Device d1 = districts.device(1);
        Device d3 = districts.device(3);
        to.process(Topics.report(districts.id, d1.id, Topics.RESULT), d1.chain(d1.sign(d1.result(200, 120, 70))));
        to.process(Topics.report(districts.id, d1.id, Topics.RESULT), d1.chain(d1.sign(d1.result("north-council",
                500, List.of(200, 190)))));
        to.process(Topics.report(districts.id, d1.id, Topics.RESULT), d1.chain(d1.sign(d1.result("south-council",
                500, List.of(390, 0))))); // refused: S-1 is in the north
        to.process(Topics.report(districts.id, d3.id, Topics.RESULT), d3.chain(d3.sign(d3.result("south-council",
                450, List.of(300, 90)))));

        LiveTally.Picture p = LiveTally.compute(districts.election, store);
        assertEquals(List.of("parliament 2 stations 1 reported 1 pending {a=200, b=120, c=70}",
                        "north-council 2 stations 1 reported 1 pending {x=200, y=190}",
                        "south-council 1 stations 1 reported 0 pending {x=300, y=90}"),
                figures(p.nation()), "parliament: S-1 and S-3; north-council: S-1 and S-2; south-council: S-3");
        assertEquals(List.of("Basra", "Nineveh"), p.regions().stream().map(LiveTally.Area::region).toList(),
                "the constituencies' regions");
        assertEquals(List.of("parliament 1 stations 0 reported 1 pending {a=0, b=0, c=0}",
                "south-council 1 stations 1 reported 0 pending {x=300, y=90}"), figures(p.regions().get(0)));
        assertEquals(List.of("parliament 1 stations 1 reported 0 pending {a=200, b=120, c=70}",
                "north-council 2 stations 1 reported 1 pending {x=200, y=190}"), figures(p.regions().get(1)));
        assertEquals(List.of("north", "south"), p.constituencies().stream().map(LiveTally.Area::region).toList());
        assertEquals(List.of("parliament 1 stations 1 reported 0 pending {a=200, b=120, c=70}",
                "north-council 2 stations 1 reported 1 pending {x=200, y=190}"), figures(p.constituencies().get(0)),
                "the national race counted over the constituency's own stations");
        assertEquals(List.of("parliament 1 stations 0 reported 1 pending {a=0, b=0, c=0}",
                "south-council 1 stations 1 reported 0 pending {x=300, y=90}"), figures(p.constituencies().get(1)));

        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        Tally.print(districts.election, store, new java.io.PrintStream(printed, true,
                java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(List.of("  1 of 2 stations reported", "  1 of 2 stations reported", "  1 of 1 stations reported"),
                printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                        .filter(l -> l.endsWith("stations reported")).toList(),
                "the printed tally counts the same way: parliament, north-council, south-council");
        assertEquals(List.of("  north            400      10          200          120           70  constituency,"
                        + " 1 stations", "  Nineveh          400      10          200          120           70"
                        + "  region, 1 stations"),
                printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                        .filter(l -> l.endsWith(" stations") && !l.endsWith("reported")).toList(),
                "parliament, voted in two constituencies of two regions, is subtotalled where it was counted");
    }

    private static List<String> figures(LiveTally.Area area) {
        return area.races().stream().map(r -> r.race() + " " + r.stations() + " stations " + r.reported()
                + " reported " + r.pending() + " pending " + r.votes()).toList();
    }
}
