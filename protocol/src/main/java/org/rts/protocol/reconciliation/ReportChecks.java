package org.rts.protocol.reconciliation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.election.Tolerances;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.RestartReport;
import org.rts.protocol.message.Warning;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;

/**
 * The content checks the device runs before it transmits and the hub runs again on arrival: the same code on both
 * ends, so a form the device accepted is never rejected by the hub for arithmetic (unless it was tampered with).
 * Structural problems (unknown race or candidate, a race not on the station's ballot, impossible counts) are
 * reported first and stop the arithmetic.
 */
public final class ReportChecks {
    private ReportChecks() {
    }

    public static Findings check(Election election, ResultReport r) {
        Findings.Builder f = new Findings.Builder();
        Station station = election.station(r.station()).orElse(null);
        Race race = election.race(r.race()).orElse(null);
        if (station == null) {
            f.error(Reason.STATION_UNKNOWN, "station '" + r.station() + "' is not in ballot definition "
                    + election.id());
        }
        if (race == null) {
            f.error(Reason.RACE_UNKNOWN, "race '" + r.race() + "' is not in ballot definition " + election.id());
        } else if (station != null && !election.onBallot(station.id(), race.id())) {
            f.error(Reason.RACE_NOT_ON_BALLOT, "race " + race.id() + " is not on the ballot of station "
                    + station.id() + ", which votes in " + election.ballot(station.id()).stream().map(Race::id)
                    .toList());
        } else if (r.votes().size() > race.candidates().size()) {
            f.error(Reason.CANDIDATE_UNKNOWN, "race " + race.id() + " has " + race.candidates().size()
                    + " candidates, found " + r.votes().size() + " vote counts");
        } else if (r.votes().size() < race.candidates().size()) {
            f.error(Reason.VOTES_INCOMPLETE, "race " + race.id() + " has " + race.candidates().size()
                    + " candidates, found " + r.votes().size() + " vote counts");
        }
        Instant closes = election.polling().closes();
        if (closes != null && r.closedAt().isBefore(closes)) {
            f.error(Reason.RESULT_BEFORE_CLOSE, "the count closed at " + r.closedAt() + ", before the polls closed at "
                    + closes);
        }
        range(f, "registered", r.registered());
        range(f, "received", r.received());
        range(f, "unused", r.unused());
        range(f, "spoiled", r.spoiled());
        range(f, "inBox", r.inBox());
        range(f, "invalid", r.invalid());
        for (int i = 0; i < r.votes().size(); i++) {
            range(f, "votes[" + (i + 1) + "]", r.votes().get(i));
        }
        if (f.hasErrors()) {
            return f.build();
        }
        Tolerances t = election.tolerances();
        long counted = r.validVotes() + r.invalid();
        if (r.registered() != station.registeredVoters(r.race())) {
            f.rule(Rule.REGISTERED_MISMATCH, "registered " + r.registered() + " on the form, "
                    + station.registeredVoters(r.race()) + " on the station list for " + r.race());
        }
        long accounted = (long) r.unused() + r.spoiled() + r.inBox();
        if (Math.abs(r.received() - accounted) > t.ballotAccounting()) {
            f.rule(Rule.BALLOT_ACCOUNTING, "received " + r.received() + " != unused " + r.unused() + " + spoiled "
                    + r.spoiled() + " + in box " + r.inBox() + " = " + accounted
                    + " (tolerance " + t.ballotAccounting() + ")");
        }
        double allowed = r.inBox() * t.boxVsVotesPercent() / 100.0;
        if (Math.abs(r.inBox() - counted) > allowed) {
            f.rule(Rule.BOX_VS_VOTES, "in box " + r.inBox() + " vs valid " + r.validVotes() + " + invalid "
                    + r.invalid() + " = " + counted + ": differs by " + Math.abs(r.inBox() - counted)
                    + ", tolerance " + pct(t.boxVsVotesPercent()) + "% = " + String.format(Locale.ROOT, "%.1f", allowed));
        }
        if (counted > (long) r.registered() + t.overVotingVotes()) {
            f.rule(Rule.OVER_VOTING, "valid " + r.validVotes() + " + invalid " + r.invalid() + " = " + counted
                    + " > registered " + r.registered() + " + tolerance " + t.overVotingVotes());
        }
        if (counted == 0) {
            f.rule(Rule.ZERO_VOTES_CAST, "no votes counted");
        } else if (r.invalid() * 100.0 / counted >= t.invalidWarnPercent()) {
            f.rule(Rule.INVALID_SHARE_HIGH, "invalid " + r.invalid() + " is "
                    + String.format(Locale.ROOT, "%.1f", r.invalid() * 100.0 / counted) + "% of " + counted
                    + " votes counted (warning at " + pct(t.invalidWarnPercent()) + "%)");
        }
        return f.build();
    }

    /** Checks a turnout report; {@code previous} is the station's last accepted figure, if any. */
    public static Findings check(Election election, TurnoutReport r, OptionalInt previous) {
        Findings.Builder f = new Findings.Builder();
        Station station = election.station(r.station()).orElse(null);
        if (station == null) {
            f.error(Reason.STATION_UNKNOWN, "station '" + r.station() + "' is not in ballot definition "
                    + election.id());
        }
        range(f, "voters", r.voters());
        if (f.hasErrors()) {
            return f.build();
        }
        if (r.voters() > station.registeredVoters()) {
            f.rule(Rule.TURNOUT_ABOVE_REGISTERED, "voters " + r.voters() + " > registered "
                    + station.registeredVoters());
        }
        if (previous.isPresent() && r.voters() < previous.getAsInt()) {
            f.rule(Rule.TURNOUT_DECREASING, "voters " + r.voters() + " < previously reported "
                    + previous.getAsInt());
        }
        return f.build();
    }

    /** Checks a chain restart: only that the station is one of the election's. */
    public static Findings check(Election election, RestartReport r) {
        Findings.Builder f = new Findings.Builder();
        if (election.station(r.station()).isEmpty()) {
            f.error(Reason.STATION_UNKNOWN, "station '" + r.station() + "' is not in ballot definition "
                    + election.id());
        }
        return f.build();
    }

    /**
     * The hub's check of the time a device put on a report against its own clock: ahead by more than
     * {@code clockWarnSeconds} is flagged, by more than {@code clockRejectSeconds} rejected. A time in the past is
     * not checked: a report may arrive long after it was made.
     */
    public static Findings clock(Election election, Instant reported, Instant hubNow) {
        Findings.Builder f = new Findings.Builder();
        long ahead = Duration.between(hubNow, reported).getSeconds();
        Tolerances t = election.tolerances();
        if (ahead > t.clockRejectSeconds()) {
            f.error(Reason.TIME_IN_FUTURE, "reported at " + reported + ", " + ahead + " s ahead of the hub's clock "
                    + hubNow + " (limit " + t.clockRejectSeconds() + " s): the unit's clock is wrong");
        } else if (ahead > t.clockWarnSeconds()) {
            f.warning(Warning.CLOCK_AHEAD, "reported at " + reported + ", " + ahead + " s ahead of the hub's clock "
                    + hubNow + " (flagged above " + t.clockWarnSeconds() + " s)");
        }
        return f.build();
    }

    /**
     * The hub's check of when a result reached it: before the polls close (by the hub's clock, not the unit's) no
     * count can be complete, so a result then is refused whatever time the unit put on it. A unit whose clock runs
     * ahead sends it again after the close.
     */
    public static Findings received(Election election, Report report, Instant hubNow) {
        Findings.Builder f = new Findings.Builder();
        Instant closes = election.polling().closes();
        if (report instanceof ResultReport && closes != null && hubNow.isBefore(closes)) {
            f.error(Reason.RESULT_BEFORE_CLOSE, "received at " + hubNow + " by the hub's clock, before the polls"
                    + " close at " + closes);
        }
        return f.build();
    }

    private static void range(Findings.Builder f, String field, int value) {
        if (value < 0 || value > Tolerances.MAX_COUNT) {
            f.error(Reason.COUNT_OUT_OF_RANGE, field + " = " + value + " must be 0.." + Tolerances.MAX_COUNT);
        }
    }

    private static String pct(double p) {
        return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }

    /** Joins findings for a person to read, one per line. */
    public static String describe(List<org.rts.protocol.message.Finding> findings) {
        StringBuilder sb = new StringBuilder();
        for (var finding : findings) {
            sb.append("  - ").append(finding).append('\n');
        }
        return sb.toString();
    }
}
