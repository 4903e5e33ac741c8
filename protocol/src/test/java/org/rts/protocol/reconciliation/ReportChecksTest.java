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
}
