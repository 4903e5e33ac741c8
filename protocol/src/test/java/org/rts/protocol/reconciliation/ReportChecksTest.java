package org.rts.protocol.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.rts.protocol.Fixtures;
import org.rts.protocol.election.Election;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;

class ReportChecksTest {
    private final Election election = Fixtures.election(2);

    private static List<String> codes(List<Finding> findings) {
        return findings.stream().map(Finding::code).toList();
    }

    private static ResultReport form(int registered, int received, int unused, int spoiled, int inBox, int invalid,
                                     List<Integer> votes) {
        return new ResultReport(1, "el-2026", Mode.LIVE, "dev-0001", "S-001", 2, "x".repeat(43), "parliament",
                registered, received, unused, spoiled, inBox, invalid, votes, Fixtures.CLOSE);
    }

    @Test
    void a_consistent_form_passes_without_findings() {
        Findings f = ReportChecks.check(election, form(500, 600, 198, 2, 400, 10, List.of(200, 190)));
        assertTrue(f.ok(), f.toString());
        assertEquals(List.of(), f.warnings());
    }

    @Test
    void registered_voters_must_match_the_station_list() {
        assertEquals(List.of("RECONCILIATION_FAILED:REGISTERED_MISMATCH"),
                codes(ReportChecks.check(election, form(501, 600, 198, 2, 400, 10, List.of(200, 190))).errors()));
    }

    @Test
    void a_race_with_its_own_count_of_registered_voters_is_checked_against_it() {
        Election e = Fixtures.election(2);
        var s = e.station("S-001").orElseThrow();
        Election own = new Election(e.id(), e.name(), e.mode(), e.races(), e.stations().stream().map(x -> x.id()
                .equals("S-001") ? new org.rts.protocol.election.Station(s.id(), s.name(), s.registeredVoters(),
                s.region(), s.centre(), s.constituency(), s.races(), java.util.Map.of("parliament", 450)) : x)
                .toList(), e.tolerances());
        assertEquals(List.of(), codes(ReportChecks.check(own, form(450, 600, 198, 2, 400, 10, List.of(200, 190)))
                .errors()), "the race's own list");
        Findings station = ReportChecks.check(own, form(500, 600, 198, 2, 400, 10, List.of(200, 190)));
        assertEquals(List.of("RECONCILIATION_FAILED:REGISTERED_MISMATCH"), codes(station.errors()));
        assertTrue(station.errors().get(0).detail().contains("450 on the station list for parliament"),
                station.toString());
    }

    @Test
    void ballots_received_must_be_accounted_for() {
        assertEquals(List.of("RECONCILIATION_FAILED:BALLOT_ACCOUNTING"),
                codes(ReportChecks.check(election, form(500, 600, 197, 2, 400, 10, List.of(200, 190))).errors()));
    }

    @Test
    void ballots_in_box_must_match_votes_within_three_percent() {
        // 400 in box, 12 allowed: 388 counted passes, 387 fails
        assertTrue(ReportChecks.check(election, form(500, 600, 198, 2, 400, 10, List.of(200, 178))).ok());
        Findings f = ReportChecks.check(election, form(500, 600, 198, 2, 400, 10, List.of(200, 177)));
        assertEquals(List.of("RECONCILIATION_FAILED:BOX_VS_VOTES"), codes(f.errors()));
        assertTrue(f.errors().get(0).detail().contains("387"), f.errors().get(0).detail());
    }

    @Test
    void votes_may_not_exceed_registered_voters_beyond_tolerance() {
        // 500 registered + 5: 505 passes, 506 fails
        assertTrue(ReportChecks.check(election, form(500, 600, 93, 2, 505, 5, List.of(300, 200))).ok());
        assertEquals(List.of("RECONCILIATION_FAILED:OVER_VOTING"),
                codes(ReportChecks.check(election, form(500, 600, 92, 2, 506, 6, List.of(300, 200))).errors()));
    }

    @Test
    void warnings_do_not_block() {
        Findings f = ReportChecks.check(election, form(500, 600, 198, 2, 400, 40, List.of(200, 160)));
        assertTrue(f.ok());
        assertEquals(List.of("INVALID_SHARE_HIGH"), codes(f.warnings()));
        Findings zero = ReportChecks.check(election, form(500, 600, 598, 2, 0, 0, List.of(0, 0)));
        assertEquals(List.of("ZERO_VOTES_CAST"), codes(zero.warnings()));
    }

    @Test
    void impossible_counts_and_unknown_candidates_are_structural_errors() {
        assertEquals(List.of("COUNT_OUT_OF_RANGE"),
                codes(ReportChecks.check(election, form(500, 600, 198, 2, 400, 10, List.of(-1, 190))).errors()));
        assertEquals(List.of("COUNT_OUT_OF_RANGE"),
                codes(ReportChecks.check(election, form(500, 600, 198, 2, 400, 10, List.of(5_000_000, 1))).errors()));
        assertEquals(List.of("CANDIDATE_UNKNOWN"),
                codes(ReportChecks.check(election, form(500, 600, 198, 2, 400, 10, List.of(200, 190, 0))).errors()));
        assertEquals(List.of("VOTES_INCOMPLETE"),
                codes(ReportChecks.check(election, form(500, 600, 198, 2, 400, 10, List.of(390))).errors()));
    }

    @Test
    void every_count_on_the_form_is_range_checked_by_name() {
        int[][] forms = {
                {-1, 600, 198, 2, 400, 10}, {500, -1, 198, 2, 400, 10}, {500, 600, -1, 2, 400, 10},
                {500, 600, 198, -1, 400, 10}, {500, 600, 198, 2, -1, 10}, {500, 600, 198, 2, 400, -1}};
        String[] names = {"registered", "received", "unused", "spoiled", "inBox", "invalid"};
        for (int i = 0; i < forms.length; i++) {
            int[] f = forms[i];
            Findings found = ReportChecks.check(election, form(f[0], f[1], f[2], f[3], f[4], f[5], List.of(200, 190)));
            assertEquals(List.of("COUNT_OUT_OF_RANGE"), codes(found.errors()), names[i]);
            assertTrue(found.errors().get(0).detail().startsWith(names[i] + " = -1"), found.errors().get(0).detail());
        }
        Findings vote = ReportChecks.check(election, form(500, 600, 198, 2, 400, 10, List.of(200, -3)));
        assertTrue(vote.errors().get(0).detail().startsWith("votes[2] = -3 must be 0..1000000"),
                vote.errors().get(0).detail());
        assertTrue(vote.warnings().isEmpty(), "arithmetic is not checked on impossible counts");
    }

    @Test
    void findings_say_the_numbers_behind_them() {
        Findings box = ReportChecks.check(election, form(500, 600, 198, 2, 400, 10, List.of(200, 177)));
        assertEquals("in box 400 vs valid 377 + invalid 10 = 387: differs by 13, tolerance 3% = 12.0",
                box.errors().get(0).detail());
        org.junit.jupiter.api.Assertions.assertFalse(box.ok());
        Findings high = ReportChecks.check(election, form(500, 600, 198, 2, 400, 40, List.of(200, 160)));
        assertEquals("invalid 40 is 10.0% of 400 votes counted (warning at 3%)", high.warnings().get(0).detail());
        Election fractional = new Election("el-2026", "E", Mode.LIVE, election.races(), election.stations(),
                new org.rts.protocol.election.Tolerances(2.5, 5, 0, 3.5));
        Findings f = ReportChecks.check(fractional, form(500, 600, 198, 2, 400, 10, List.of(200, 170)));
        assertEquals("in box 400 vs valid 370 + invalid 10 = 380: differs by 20, tolerance 2.5% = 10.0",
                f.errors().get(0).detail());
        assertEquals("  - CONFLICT (a)\n  - MALFORMED\n", ReportChecks.describe(List.of(
                Finding.of(org.rts.protocol.message.Reason.CONFLICT, "a"),
                Finding.of(org.rts.protocol.message.Reason.MALFORMED, ""))));
    }

    @Test
    void findings_add_up_errors_first_then_warnings() {
        Findings a = new Findings(List.of(Finding.of(org.rts.protocol.message.Reason.CONFLICT, "1")),
                List.of(new Finding("W1", "")));
        Findings b = new Findings(List.of(Finding.of(org.rts.protocol.message.Reason.MALFORMED, "2")),
                List.of(new Finding("W2", "")));
        Findings both = a.and(b);
        assertEquals(List.of("CONFLICT", "MALFORMED"), codes(both.errors()));
        assertEquals(List.of("W1", "W2"), codes(both.warnings()));
    }

    @Test
    void a_restart_is_checked_for_its_station_only() {
        var ok = new org.rts.protocol.message.RestartReport(1, "el-2026", Mode.LIVE, "dev-0001", "S-001", 3,
                "x".repeat(43), Fixtures.CLOSE, org.rts.protocol.message.RestartReport.Cause.OUTBOX_LOST, 0);
        assertTrue(ReportChecks.check(election, ok).ok());
        var elsewhere = new org.rts.protocol.message.RestartReport(1, "el-2026", Mode.LIVE, "dev-0001", "S-999", 3,
                "x".repeat(43), Fixtures.CLOSE, org.rts.protocol.message.RestartReport.Cause.OUTBOX_LOST, 0);
        assertEquals(List.of("STATION_UNKNOWN"), codes(ReportChecks.check(election, elsewhere).errors()));
    }

    @Test
    void reports_for_unknown_stations_and_races_are_structural_errors() {
        ResultReport nowhere = new ResultReport(1, "el-2026", Mode.LIVE, "dev-0001", "S-999", 2, "x".repeat(43),
                "parliament", 500, 600, 198, 2, 400, 10, List.of(200, 190), Fixtures.CLOSE);
        assertEquals(List.of("STATION_UNKNOWN"), codes(ReportChecks.check(election, nowhere).errors()));
        ResultReport senate = new ResultReport(1, "el-2026", Mode.LIVE, "dev-0001", "S-001", 2, "x".repeat(43),
                "senate", 500, 600, 198, 2, 400, 10, List.of(200, 190), Fixtures.CLOSE);
        assertEquals(List.of("RACE_UNKNOWN"), codes(ReportChecks.check(election, senate).errors()));
        TurnoutReport lost = new TurnoutReport(1, "el-2026", Mode.LIVE, "dev-0001", "S-999", 1, "",
                Fixtures.CLOSE, 10);
        assertEquals(List.of("STATION_UNKNOWN"), codes(ReportChecks.check(election, lost, OptionalInt.empty())
                .errors()));
        TurnoutReport negative = new TurnoutReport(1, "el-2026", Mode.LIVE, "dev-0001", "S-001", 1, "",
                Fixtures.CLOSE, -1);
        assertEquals(List.of("COUNT_OUT_OF_RANGE"), codes(ReportChecks.check(election, negative,
                OptionalInt.empty()).errors()));
    }

    /** A consistent form of a station of 500 for {@code race}. */
    private static ResultReport result(String station, String race) {
        return new ResultReport(1, "el-2026", Mode.LIVE, "dev-0001", station, 2, "x".repeat(43), race,
                500, 600, 198, 2, 400, 10, List.of(200, 190), Fixtures.CLOSE);
    }

    @Test
    void a_result_for_a_race_not_on_the_stations_ballot_is_a_structural_error() {
        Election districts = Fixtures.constituencies();
        assertTrue(ReportChecks.check(districts, result("S-001", "north-seats")).ok());
        assertTrue(ReportChecks.check(districts, result("S-001", "president")).ok());
        Findings south = ReportChecks.check(districts, result("S-001", "south-seats"));
        assertEquals(List.of("RACE_NOT_ON_BALLOT"), codes(south.errors()));
        assertEquals("race south-seats is not on the ballot of station S-001, which votes in [president,"
                + " north-seats]", south.errors().get(0).detail());
        assertEquals(List.of("RACE_NOT_ON_BALLOT"), codes(ReportChecks.check(districts, result("S-003",
                "president")).errors()), "S-003 holds only its constituency's ballot");
        assertTrue(ReportChecks.check(districts, result("S-003", "east-seats")).ok());
        assertEquals(List.of("RACE_UNKNOWN"), codes(ReportChecks.check(districts, result("S-001", "senate"))
                .errors()));
    }

    @Test
    void turnout_never_exceeds_registered_nor_decreases() {
        TurnoutReport t = new TurnoutReport(1, "el-2026", Mode.LIVE, "dev-0001", "S-001", 1, "",
                Instant.parse("2026-11-22T12:00:00Z"), 300);
        assertTrue(ReportChecks.check(election, t, OptionalInt.of(250)).ok());
        assertEquals(List.of("RECONCILIATION_FAILED:TURNOUT_DECREASING"),
                codes(ReportChecks.check(election, t, OptionalInt.of(301)).errors()));
        TurnoutReport over = new TurnoutReport(1, "el-2026", Mode.LIVE, "dev-0001", "S-001", 1, "",
                Instant.parse("2026-11-22T12:00:00Z"), 501);
        assertEquals(List.of("RECONCILIATION_FAILED:TURNOUT_ABOVE_REGISTERED"),
                codes(ReportChecks.check(election, over, OptionalInt.empty()).errors()));
    }

    @Test
    void a_result_counted_or_received_before_the_polls_close_is_refused() {
        Election e = Fixtures.election(2);
        Election closing = new Election(e.id(), e.name(), e.mode(), e.races(), e.stations(), e.tolerances(),
                new org.rts.protocol.election.Polling("Asia/Baghdad", List.of(),
                        java.time.LocalDateTime.parse("2026-11-22T21:00"))); // 18:00 UTC, Fixtures.CLOSE
        ResultReport atClose = form(500, 600, 198, 2, 400, 10, List.of(200, 190));
        assertTrue(ReportChecks.check(closing, atClose).ok(), "counted at the close");
        ResultReport early = new ResultReport(1, "el-2026", Mode.LIVE, "dev-0001", "S-001", 2, "x".repeat(43),
                "parliament", 500, 600, 198, 2, 400, 10, List.of(200, 190), Fixtures.CLOSE.minusSeconds(1));
        assertEquals(List.of("RESULT_BEFORE_CLOSE"), codes(ReportChecks.check(closing, early).errors()));
        assertTrue(ReportChecks.check(e, early).ok(), "no closing time set: nothing to compare with");

        assertEquals(List.of("RESULT_BEFORE_CLOSE"), codes(ReportChecks.received(closing, atClose,
                Fixtures.CLOSE.minusSeconds(60)).errors()), "received a minute before the close by the hub's clock");
        assertTrue(ReportChecks.received(closing, atClose, Fixtures.CLOSE).ok());
        TurnoutReport turnout = new TurnoutReport(1, "el-2026", Mode.LIVE, "dev-0001", "S-001", 1, "",
                Fixtures.CLOSE.minusSeconds(3600), 40);
        assertTrue(ReportChecks.received(closing, turnout, Fixtures.CLOSE.minusSeconds(3600)).ok(),
                "turnout is reported during the day");
    }
}
