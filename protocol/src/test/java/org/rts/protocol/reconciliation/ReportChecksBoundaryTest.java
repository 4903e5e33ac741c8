package org.rts.protocol.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.election.Tolerances;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;

/**
 * Every rule at its exact boundary: the limit itself, one below and one above. A station of 500 registered voters,
 * two candidates; a form is built consistent in everything but the figure under test.
 */
class ReportChecksBoundaryTest {
    private static final Instant CLOSE = Instant.parse("2026-11-22T18:00:00Z");

    private static Election election(Tolerances tolerances) {
        return new Election("el", "Election", Mode.LIVE, List.of(new Race("r", "Race", List.of(
                new Candidate("a", "A"), new Candidate("b", "B")))), List.of(new Station("S", "S", 500)), tolerances);
    }

    private static final Election DEFAULTS = election(Tolerances.DEFAULT);

    /** A form whose ballots are all accounted for: received = unused 100 + spoiled 2 + in box. */
    private static ResultReport form(int registered, int inBox, int invalid, int a, int b) {
        return new ResultReport(1, "el", Mode.LIVE, "d", "S", 1, "", "r", registered, 102 + inBox, 100, 2, inBox,
                invalid, List.of(a, b), CLOSE);
    }

    private static String outcome(Findings f) {
        List<String> all = new java.util.ArrayList<>(f.errors().stream().map(Finding::code).toList());
        f.warnings().forEach(w -> all.add(w.code()));
        return all.isEmpty() ? "ok" : String.join(" ", all);
    }

    @ParameterizedTest(name = "registered {0} -> {1}")
    @CsvSource({"500, ok", "499, RECONCILIATION_FAILED:REGISTERED_MISMATCH",
            "501, RECONCILIATION_FAILED:REGISTERED_MISMATCH"})
    void registered_must_equal_the_station_list(int registered, String expected) {
        assertEquals(expected, outcome(ReportChecks.check(DEFAULTS, form(registered, 400, 10, 200, 190))));
    }

    @ParameterizedTest(name = "received {0} with tolerance {1} -> {2}")
    @CsvSource({"502, 0, ok", "501, 0, RECONCILIATION_FAILED:BALLOT_ACCOUNTING",
            "503, 0, RECONCILIATION_FAILED:BALLOT_ACCOUNTING", "504, 2, ok", "500, 2, ok",
            "505, 2, RECONCILIATION_FAILED:BALLOT_ACCOUNTING", "499, 2, RECONCILIATION_FAILED:BALLOT_ACCOUNTING"})
    void received_ballots_are_accounted_for_within_the_tolerance(int received, int tolerance, String expected) {
        // unused 100 + spoiled 2 + in box 400 = 502
        ResultReport r = new ResultReport(1, "el", Mode.LIVE, "d", "S", 1, "", "r", 500, received, 100, 2, 400, 10,
                List.of(200, 190), CLOSE);
        assertEquals(expected, outcome(ReportChecks.check(election(new Tolerances(3.0, 5, tolerance, 3.0)), r)));
    }

    @ParameterizedTest(name = "{0} counted for 400 in the box -> {1}")
    @CsvSource({"388, ok", "387, RECONCILIATION_FAILED:BOX_VS_VOTES", "389, ok", "412, ok",
            "413, RECONCILIATION_FAILED:BOX_VS_VOTES", "411, ok"})
    void ballots_in_the_box_match_votes_counted_within_three_percent(int counted, String expected) {
        // 3 % of 400 = 12; 12 invalid stay under the 3 % warning only below 400 counted: use 0 invalid
        assertEquals(expected, outcome(ReportChecks.check(election(new Tolerances(3.0, 100, 0, 100.0)),
                form(500, 400, 0, counted - 100, 100))));
    }

    @ParameterizedTest(name = "{0} counted for 500 registered -> {1}")
    @CsvSource({"505, ok", "504, ok", "506, RECONCILIATION_FAILED:OVER_VOTING"})
    void votes_counted_exceed_registered_by_at_most_the_tolerance(int counted, String expected) {
        assertEquals(expected, outcome(ReportChecks.check(election(new Tolerances(3.0, 5, 0, 100.0)),
                form(500, counted, 0, counted - 250, 250))));
    }

    @ParameterizedTest(name = "{0} invalid of 400 counted -> {1}")
    @CsvSource({"12, INVALID_SHARE_HIGH", "11, ok", "13, INVALID_SHARE_HIGH"})
    void invalid_ballots_are_flagged_from_three_percent_of_votes_counted(int invalid, String expected) {
        assertEquals(expected, outcome(ReportChecks.check(DEFAULTS, form(500, 400, invalid, 200, 200 - invalid))));
    }

    @ParameterizedTest(name = "{0} counted -> {1}")
    @CsvSource({"0, ZERO_VOTES_CAST", "1, ok"})
    void a_station_where_nobody_voted_is_flagged(int counted, String expected) {
        assertEquals(expected, outcome(ReportChecks.check(election(new Tolerances(3.0, 5, 0, 100.0)),
                form(500, counted, 0, counted, 0))));
    }

    @ParameterizedTest(name = "count {0} -> {1}")
    @CsvSource({"0, ok", "-1, COUNT_OUT_OF_RANGE", "1000000, ok", "1000001, COUNT_OUT_OF_RANGE"})
    void counts_lie_between_zero_and_a_million(int count, String expected) {
        Election big = new Election("el", "Election", Mode.LIVE, List.of(new Race("r", "Race", List.of(
                new Candidate("a", "A"), new Candidate("b", "B")))), List.of(new Station("S", "S", 1_000_000)),
                new Tolerances(100.0, 2_000_000, 2_000_000, 100.0));
        ResultReport r = new ResultReport(1, "el", Mode.LIVE, "d", "S", 1, "", "r", 1_000_000, 1_000_000, 0, 0,
                1_000_000, 0, List.of(count, 1), CLOSE);
        assertEquals(expected, outcome(ReportChecks.check(big, r)));
    }

    @ParameterizedTest(name = "turnout {0} -> {1}")
    @CsvSource({"500, ok", "499, ok", "501, RECONCILIATION_FAILED:TURNOUT_ABOVE_REGISTERED"})
    void turnout_reaches_registered_voters_at_most(int voters, String expected) {
        assertEquals(expected, outcome(ReportChecks.check(DEFAULTS, turnout(voters), OptionalInt.empty())));
    }

    @ParameterizedTest(name = "turnout {0} after 300 -> {1}")
    @CsvSource({"300, ok", "301, ok", "299, RECONCILIATION_FAILED:TURNOUT_DECREASING"})
    void turnout_never_goes_below_the_stations_last_figure(int voters, String expected) {
        assertEquals(expected, outcome(ReportChecks.check(DEFAULTS, turnout(voters), OptionalInt.of(300))));
    }

    @ParameterizedTest(name = "{0} s ahead -> {1}")
    @CsvSource({"600, ok", "601, CLOCK_AHEAD", "86400, CLOCK_AHEAD", "86401, TIME_IN_FUTURE", "-100000, ok"})
    void a_report_dated_ahead_of_the_hub_is_flagged_then_rejected(long ahead, String expected) {
        Instant hub = Instant.parse("2026-11-22T12:00:00Z");
        assertEquals(expected, outcome(ReportChecks.clock(DEFAULTS, hub.plus(Duration.ofSeconds(ahead)), hub)));
    }

    @ParameterizedTest(name = "{0} candidates' counts -> {1}")
    @CsvSource({"2, ok", "1, VOTES_INCOMPLETE", "3, CANDIDATE_UNKNOWN"})
    void a_result_has_one_count_per_candidate(int counts, String expected) {
        List<Integer> votes = java.util.Collections.nCopies(counts, 390 / counts);
        int counted = votes.stream().mapToInt(Integer::intValue).sum() + 10;
        ResultReport r = new ResultReport(1, "el", Mode.LIVE, "d", "S", 1, "", "r", 500, 102 + counted, 100, 2,
                counted, 10, votes, CLOSE);
        assertEquals(expected, outcome(ReportChecks.check(DEFAULTS, r)));
    }

    private static TurnoutReport turnout(int voters) {
        return new TurnoutReport(1, "el", Mode.LIVE, "d", "S", 1, "", CLOSE, voters);
    }
}
