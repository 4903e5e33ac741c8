package org.rts.hub.tally;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rts.hub.intake.AcceptedResult;
import org.rts.hub.store.ResultStore;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.export.ExportManifest;
import org.rts.protocol.export.TallyCount;
import org.rts.protocol.message.Receipt;

/**
 * Prints accepted turnout and results per station, totals per race over the stations that vote in it, and what is
 * kept for review.
 */
public final class Tally {
    private Tally() {
    }

    public static void print(Election election, ResultStore store, PrintStream out) {
        Map<String, Integer> turnout = store.turnout(election.id());
        List<AcceptedResult> results = store.results(election.id());
        out.printf("Election %s (%s): %s%n", election.id(), election.mode(), election.name());
        out.printf("%nTurnout (latest report per station)%n");
        long voters = 0;
        long registered = 0;
        for (Station s : election.stations()) {
            Integer v = turnout.get(s.id());
            registered += s.registeredVoters();
            voters += v == null ? 0 : v;
            out.printf("  %-12s %7s / %-7d %s%n", s.id(), v == null ? "-" : v, s.registeredVoters(),
                    v == null ? "no report" : percent(v, s.registeredVoters()));
        }
        out.printf("  %-12s %7d / %-7d %s%n", "TOTAL", voters, registered, percent(voters, registered));

        Map<String, Integer> voting = new HashMap<>();
        for (Station s : election.stations()) {
            election.ballot(s.id()).forEach(r -> voting.merge(r.id(), 1, Integer::sum));
        }
        TallyCount count = new TallyCount(election);
        results.forEach(r -> count.add(r.station(), r.race(), r.inBox(), r.invalid(), r.votes()));
        Map<String, ExportManifest.RaceTally> areas = count.tally(turnout).races();
        for (Race race : election.allRaces()) {
            out.printf("%nResults: %s (%s)%n", race.id(), race.name());
            StringBuilder header = new StringBuilder(String.format("  %-12s %7s %7s", "STATION", "IN BOX", "INVALID"));
            race.candidates().forEach(c -> header.append(String.format(" %12s", abbreviate(c.name()))));
            header.append("  RECEIPT");
            out.println(header);
            long[] totals = new long[race.candidates().size()];
            long inBox = 0;
            long invalid = 0;
            int stations = 0;
            for (AcceptedResult r : results) {
                if (!r.race().equals(race.id()) || !election.onBallot(r.station(), race.id())) {
                    continue;
                }
                stations++;
                inBox += r.inBox();
                invalid += r.invalid();
                StringBuilder line = new StringBuilder(String.format("  %-12s %7d %7d", r.station(), r.inBox(),
                        r.invalid()));
                for (int i = 0; i < totals.length; i++) {
                    totals[i] += r.votes().get(i);
                    line.append(String.format(" %12d", r.votes().get(i)));
                }
                line.append("  ").append(Receipt.code(r.messageHash(), Receipt.Status.ACCEPTED));
                if (!r.warnings().isEmpty()) {
                    line.append("  warnings: ").append(String.join(", ", r.warnings()));
                }
                out.println(line);
            }
            StringBuilder total = new StringBuilder(String.format("  %-12s %7d %7d", "TOTAL", inBox, invalid));
            for (long t : totals) {
                total.append(String.format(" %12d", t));
            }
            out.println(total);
            subtotals(out, "constituency", areas.get(race.id()).constituencies(), race);
            subtotals(out, "region", areas.get(race.id()).regions(), race);
            out.printf("  %d of %d stations reported%n", stations, voting.getOrDefault(race.id(), 0));
        }
        List<String> review = store.rejectedForReview(election.id());
        out.printf("%nKept for review (%d)%n", review.size());
        review.forEach(line -> out.println("  " + line));
        List<String> restarts = store.restarts(election.id());
        out.printf("%nChain restarts to review (%d)%n", restarts.size());
        restarts.forEach(line -> out.println("  " + line));
        out.printf("%nMessages received: %s%n", store.inboundCounts());
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "" : String.format(Locale.ROOT, "%.1f%%", part * 100.0 / whole);
    }

    /** A race voted in several constituencies (regions): its total in each. */
    private static void subtotals(PrintStream out, String kind, Map<String, ExportManifest.Subtotal> areas,
                                  Race race) {
        areas.forEach((area, t) -> {
            StringBuilder line = new StringBuilder(String.format("  %-12s %7d %7d", abbreviate(area), t.inBox(),
                    t.invalid()));
            race.candidates().forEach(c -> line.append(String.format(" %12d", t.votes().get(c.id()))));
            line.append("  ").append(kind).append(", ").append(t.stations()).append(" stations");
            out.println(line);
        });
    }

    private static String abbreviate(String name) {
        return name.length() <= 12 ? name : name.substring(0, 12);
    }
}
