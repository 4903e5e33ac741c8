package org.rts.provisioning.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.export.ExportManifest;
import org.rts.protocol.export.TallyCount;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.RestartReport;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;
import org.rts.protocol.reconciliation.Findings;
import org.rts.protocol.reconciliation.ReportChecks;

/**
 * The hub's decisions redone from an export's chained messages alone, in their order: the reasons the hub's own
 * checks (the same protocol code) give each message, to hold against its receipt, and the tally of the accepted
 * ones, to hold against the manifest's: each station's highest turnout, and the first accepted result of each
 * station and race.
 */
final class Recount {
    private final Election election;
    private final Map<String, Integer> turnout = new TreeMap<>();
    private final Map<String, ResultReport> results = new LinkedHashMap<>();
    private final TallyCount count;

    Recount(Election election) {
        this.election = election;
        this.count = new TallyCount(election);
    }

    /**
     * The reasons to reject a chained report the hub decided at {@code hubTime}, after the accepted reports added
     * so far: its content (a turnout against the station's highest accepted one), its time, and a result
     * conflicting with its station and race's first accepted one. Empty when it is to be accepted.
     */
    List<Finding> reasons(Report report, Instant hubTime) {
        Findings content = switch (report) {
            case ResultReport r -> ReportChecks.check(election, r);
            case TurnoutReport t -> ReportChecks.check(election, t, turnout.containsKey(t.station())
                    ? OptionalInt.of(turnout.get(t.station())) : OptionalInt.empty());
            case RestartReport r -> ReportChecks.check(election, r);
        };
        List<Finding> reasons = new ArrayList<>(content.and(ReportChecks.clock(election, report.reportedAt(),
                hubTime)).errors());
        if (reasons.isEmpty() && report instanceof ResultReport r) {
            ResultReport first = results.get(key(r));
            if (first != null && !first.figures().equals(r.figures())) {
                reasons.add(Finding.of(Reason.CONFLICT, "station " + r.station() + " race " + r.race()
                        + " already has an accepted result (" + first.figures() + ")"));
            }
        }
        return reasons;
    }

    /** Counts a report the hub accepted. */
    void add(Report report) {
        if (report instanceof TurnoutReport t) {
            turnout.merge(t.station(), t.voters(), Math::max);
        } else if (report instanceof ResultReport r) {
            // the first accepted result of a station and race counts; an accepted repeat has the same figures. A
            // result for a race not on its station's ballot never counts
            if (results.putIfAbsent(key(r), r) == null) {
                count.add(r.station(), r.race(), r.inBox(), r.invalid(), r.votes());
            }
        }
    }

    private static String key(ResultReport r) {
        return r.station() + "\u0000" + r.race();
    }

    /** The first accepted result of {@code station} and {@code race}, or null. */
    ResultReport result(String station, String race) {
        return results.get(station + "\u0000" + race);
    }

    /** Each station of the ballot definition with the races of its ballot that have no accepted result. */
    Map<String, List<String>> withoutResult() {
        Map<String, List<String>> missing = new TreeMap<>();
        for (Station s : election.stations()) {
            List<String> races = election.ballot(s.id()).stream().map(Race::id)
                    .filter(race -> !results.containsKey(s.id() + "\u0000" + race)).toList();
            if (!races.isEmpty()) {
                missing.put(s.id(), races);
            }
        }
        return missing;
    }

    /** Marks a result a hand count contradicts: the tally lists it under audit. */
    void underAudit(String station, String race) {
        count.underAudit(station, race);
    }

    ExportManifest.Tally tally() {
        return count.tally(turnout);
    }

    /** One line for a person: the turnout and, per race, the stations counted and the votes. */
    static String describe(ExportManifest.Tally tally) {
        StringBuilder sb = new StringBuilder("turnout ").append(tally.turnout().values().stream()
                .mapToLong(Integer::longValue).sum()).append(" at ").append(tally.turnout().size()).append(" stations");
        tally.races().forEach((race, t) -> sb.append("; ").append(race).append(": ").append(t.stations().size())
                .append(" stations, votes ").append(t.votes()));
        return sb.toString();
    }
}
