package org.rts.protocol.export;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;

/**
 * The tally an export states, counted the same way by the hub that writes it and the observer who recomputes it:
 * per race, the stations counted and their totals, and where a race is voted in more than one constituency (or
 * region) of a definition with constituencies, its subtotal in each. A result for a race not on its station's
 * ballot never counts.
 */
public final class TallyCount {
    private final Election election;
    /** Per race: results in the order added. */
    private final Map<String, List<Counted>> byRace = new HashMap<>();
    /** Per race: stations whose result a hand count contradicts. */
    private final Map<String, Set<String>> underAudit = new HashMap<>();

    private record Counted(Station station, long inBox, long invalid, List<Integer> votes) {
    }

    public TallyCount(Election election) {
        this.election = election;
    }

    /** Counts one accepted result; the caller adds one per station and race. Returns whether it counts. */
    public boolean add(String stationId, String raceId, long inBox, long invalid, List<Integer> votes) {
        if (!election.onBallot(stationId, raceId)) {
            return false;
        }
        byRace.computeIfAbsent(raceId, k -> new ArrayList<>())
                .add(new Counted(election.station(stationId).orElseThrow(), inBox, invalid, votes));
        return true;
    }

    /**
     * Marks a station's result of a race as under audit (its hand count differs by the audit's threshold or more):
     * it still counts, and the tally lists it beside the race's totals.
     */
    public void underAudit(String stationId, String raceId) {
        underAudit.computeIfAbsent(raceId, k -> new java.util.TreeSet<>()).add(stationId);
    }

    public ExportManifest.Tally tally(Map<String, Integer> turnout) {
        Map<String, Set<String>> constituencies = new HashMap<>();
        Map<String, Set<String>> regions = new HashMap<>();
        if (!election.singleList()) {
            for (Station s : election.stations()) {
                for (Race r : election.ballot(s.id())) {
                    constituencies.computeIfAbsent(r.id(), k -> new HashSet<>()).add(s.constituency());
                    regions.computeIfAbsent(r.id(), k -> new HashSet<>()).add(s.region());
                }
            }
        }
        Map<String, ExportManifest.RaceTally> races = new TreeMap<>();
        for (Race race : election.allRaces()) {
            List<Counted> counted = byRace.getOrDefault(race.id(), List.of());
            Sum all = new Sum(race);
            Map<String, Sum> perConstituency = new TreeMap<>();
            Map<String, Sum> perRegion = new TreeMap<>();
            boolean splitConstituencies = constituencies.getOrDefault(race.id(), Set.of()).size() > 1;
            boolean splitRegions = regions.getOrDefault(race.id(), Set.of()).size() > 1;
            for (Counted c : counted) {
                all.add(c);
                if (splitConstituencies) {
                    perConstituency.computeIfAbsent(c.station().constituency(), k -> new Sum(race)).add(c);
                }
                if (splitRegions) {
                    perRegion.computeIfAbsent(c.station().region(), k -> new Sum(race)).add(c);
                }
            }
            races.put(race.id(), new ExportManifest.RaceTally(all.stations.stream().sorted().toList(), all.inBox,
                    all.invalid, all.votes, subtotals(perConstituency), subtotals(perRegion),
                    List.copyOf(underAudit.getOrDefault(race.id(), Set.of()))));
        }
        return new ExportManifest.Tally(turnout, races);
    }

    private static Map<String, ExportManifest.Subtotal> subtotals(Map<String, Sum> sums) {
        Map<String, ExportManifest.Subtotal> out = new TreeMap<>();
        sums.forEach((area, s) -> out.put(area, new ExportManifest.Subtotal(s.stations.size(), s.inBox, s.invalid,
                s.votes)));
        return out;
    }

    private static final class Sum {
        final Race race;
        final List<String> stations = new ArrayList<>();
        long inBox;
        long invalid;
        final Map<String, Long> votes = new TreeMap<>();

        Sum(Race race) {
            this.race = race;
            race.candidates().forEach(c -> votes.put(c.id(), 0L));
        }

        void add(Counted c) {
            stations.add(c.station().id());
            inBox += c.inBox();
            invalid += c.invalid();
            for (int i = 0; i < race.candidates().size(); i++) {
                votes.merge(race.candidates().get(i).id(), (long) c.votes().get(i), Long::sum);
            }
        }
    }
}
