package org.rts.provisioning.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Constituency;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.election.Tolerances;
import org.rts.protocol.export.ExportManifest;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;

class RecountTest {
    private static final Instant CLOSE = Instant.parse("2026-11-22T18:00:00Z");
    private static final Election ELECTION = new Election("el-2026", "General election 2026", Mode.LIVE,
            List.of(new Race("parliament", "Parliament", List.of(new Candidate("c1", "Candidate 1"),
                    new Candidate("c2", "Candidate 2")))),
            List.of(new Station("S-001", "School 1", 500), new Station("S-002", "School 2", 500)), Tolerances.DEFAULT);

    private static TurnoutReport turnout(String station, int voters) {
        return new TurnoutReport(1, "el-2026", Mode.LIVE, "dev-" + station, station, 1, "", CLOSE.minusSeconds(3600),
                voters);
    }

    /** 500 registered, 400 in the box, 10 invalid. */
    private static ResultReport result(String station, int c1, int c2) {
        return result(station, "parliament", c1, c2);
    }

    private static ResultReport result(String station, String race, int c1, int c2) {
        return new ResultReport(1, "el-2026", Mode.LIVE, "dev-" + station, station, 2, "x".repeat(43), race,
                500, 600, 198, 2, 400, 10, List.of(c1, c2), CLOSE);
    }

    @Test
    void counts_each_stations_highest_turnout_and_its_first_accepted_result() {
        Recount recount = new Recount(ELECTION);
        List.of(turnout("S-001", 120), turnout("S-001", 80), turnout("S-002", 50), result("S-001", 200, 190),
                result("S-001", 190, 200), result("S-002", 100, 290)).forEach(recount::add);

        ExportManifest.Tally tally = recount.tally();

        assertEquals(new ExportManifest.Tally(Map.of("S-001", 120, "S-002", 50), Map.of("parliament",
                new ExportManifest.RaceTally(List.of("S-001", "S-002"), 800, 20, Map.of("c1", 300L, "c2", 480L)))),
                tally);
        assertEquals("turnout 170 at 2 stations; parliament: 2 stations, votes {c1=300, c2=480}",
                Recount.describe(tally));
    }

    @Test
    void a_result_for_a_race_not_on_its_stations_ballot_is_named_and_not_counted() {
        List<Candidate> two = List.of(new Candidate("c1", "Candidate 1"), new Candidate("c2", "Candidate 2"));
        Election districts = new Election("el-2026", "General election 2026", Mode.LIVE,
                List.of(new Race("parliament", "Parliament", two)),
                List.of(new Constituency("north", "North", null, List.of(new Race("north", "North", two))),
                        new Constituency("south", "South", null, List.of(new Race("south", "South", two)))),
                List.of(new Station("S-001", "School 1", 500, null, null, "north", null),
                        new Station("S-002", "School 2", 500, null, null, "south", null)), Tolerances.DEFAULT, null);
        Recount recount = new Recount(districts);
        List.of(result("S-001", "parliament", 200, 190), result("S-001", "north", 150, 240),
                result("S-001", "south", 300, 90), result("S-002", "south", 100, 290)).forEach(r -> {
                    assertEquals(r.race().equals("south") && r.station().equals("S-001") ? List.of("RACE_NOT_ON_BALLOT")
                            : List.of(), codes(recount.reasons(r, CLOSE)));
                    recount.add(r);
                });

        ExportManifest.Tally tally = recount.tally();
        assertEquals(new ExportManifest.RaceTally(List.of("S-002"), 400, 10, Map.of("c1", 100L, "c2", 290L)),
                tally.races().get("south"), "the south's race counts the south's station only");
        assertEquals(new ExportManifest.RaceTally(List.of("S-001"), 400, 10, Map.of("c1", 150L, "c2", 240L)),
                tally.races().get("north"));
        assertEquals(List.of("S-001"), tally.races().get("parliament").stations());
    }

    @Test
    void names_the_reconciliation_errors_of_a_result_it_counts() {
        Recount recount = new Recount(ELECTION);

        assertFalse(recount.reasons(result("S-001", 200, 100), CLOSE).isEmpty());
        recount.add(result("S-001", 200, 100));
        assertEquals(List.of("S-001"), recount.tally().races().get("parliament").stations());
    }

    @Test
    void redoes_the_hubs_reasons_from_what_was_accepted_before() {
        Recount recount = new Recount(ELECTION);
        recount.add(turnout("S-001", 120));
        recount.add(result("S-001", 200, 190));

        assertEquals(List.of("RECONCILIATION_FAILED:TURNOUT_DECREASING"), codes(recount.reasons(turnout("S-001", 80),
                CLOSE)));
        assertEquals(List.of(), codes(recount.reasons(turnout("S-002", 80), CLOSE)));
        assertEquals(List.of("CONFLICT"), codes(recount.reasons(result("S-001", 190, 200), CLOSE)));
        assertEquals(List.of(), codes(recount.reasons(result("S-001", 200, 190), CLOSE)), "the same figures again");
        assertEquals(List.of("TIME_IN_FUTURE"), codes(recount.reasons(result("S-002", 100, 290),
                CLOSE.minusSeconds(2 * 86_400))), "reported two days ahead of the hub's time");
        assertEquals(Map.of("S-002", List.of("parliament")), recount.withoutResult());
    }

    private static List<String> codes(List<org.rts.protocol.message.Finding> findings) {
        return findings.stream().map(org.rts.protocol.message.Finding::code).toList();
    }
}
