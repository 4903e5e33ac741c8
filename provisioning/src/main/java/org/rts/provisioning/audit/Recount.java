package org.rts.provisioning.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rts.protocol.election.Election;
import org.rts.protocol.export.ExportManifest;
import org.rts.protocol.export.TallyCount;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;
import org.rts.protocol.reconciliation.ReportChecks;

/**
 * The tally recomputed from an export's accepted messages alone, to hold against the one its manifest states: each
 * station's highest turnout, and the first accepted result of each station and race.
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
     * Counts an accepted report; returns the reconciliation errors of a result, which an accepted one should not
     * have.
     */
    List<Finding> add(Report report) {
        if (report instanceof TurnoutReport t) {
            turnout.merge(t.station(), t.voters(), Math::max);
        } else if (report instanceof ResultReport r) {
            // the first accepted result of a station and race counts; an accepted repeat has the same figures. A
            // result for a race not on its station's ballot never counts, and is reported with the other errors
            if (results.putIfAbsent(r.station() + "\u0000" + r.race(), r) == null) {
                count.add(r.station(), r.race(), r.inBox(), r.invalid(), r.votes());
            }
            return ReportChecks.check(election, r).errors();
        }
        return List.of();
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
