package org.rts.hub.tally;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.rts.hub.intake.AcceptedResult;
import org.rts.hub.store.ResultStore;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;

/**
 * Turnout and results as the operations room follows them: per station, per region and for the nation, from what
 * the hub accepted (one election, so a drill never mixes with the live count). Per race and region: votes by
 * candidate id, and how many of the stations that vote in the race reported, are pending, had a result rejected,
 * are in conflict, or were accepted with warnings (flagged).
 */
public final class LiveTally {
    private LiveTally() {
    }

    /** One station's figures. */
    public record StationFigures(String station, String region, int registered, Integer turnout) {
    }

    /** One race in one region (or the nation); {@code stations}: those of the area that vote in it. */
    public record RaceFigures(String race, Map<String, Long> votes, long inBox, long invalid, int stations,
                              int reported, int pending, int rejected, int conflicts, int flagged) {
    }

    /** A region's (or the nation's, {@code region} ""): turnout so far and each race. */
    public record Area(String region, int stations, long registered, long turnout, int turnoutReported,
                       List<RaceFigures> races) {
        /** Turnout in percent of the registered voters of the stations that reported it. */
        public double turnoutPercent() {
            return registered == 0 ? 0 : turnout * 100.0 / registered;
        }
    }

    /**
     * The whole picture: the nation, each region, each constituency (its {@link Area#region} holds the
     * constituency's id; none in a single-list definition), each station, and the results under audit.
     */
    public record Picture(String election, Area nation, List<Area> regions, List<Area> constituencies,
                          List<StationFigures> stations, List<String> underAudit) {
        public Picture(String election, Area nation, List<Area> regions, List<Area> constituencies,
                       List<StationFigures> stations) {
            this(election, nation, regions, constituencies, stations, List.of());
        }

        /**
         * The same figures, marking the results the hand-count audit put under audit ({@code station/race}): they
         * count as accepted, and the room says which are in doubt.
         */
        public Picture withUnderAudit(List<String> results) {
            return new Picture(election, nation, regions, constituencies, stations, List.copyOf(results));
        }
    }

    public static Picture compute(Election election, ResultStore store) {
        Map<String, Integer> turnout = store.turnout(election.id());
        Map<String, List<AcceptedResult>> results = new HashMap<>();
        store.results(election.id()).forEach(r -> results.computeIfAbsent(r.race(), k -> new ArrayList<>()).add(r));
        Map<String, int[]> rejected = store.rejectedResults(election.id());
        Map<String, List<Station>> byRegion = new TreeMap<>();
        Map<String, List<Station>> byConstituency = new java.util.LinkedHashMap<>();
        election.constituencies().forEach(c -> byConstituency.put(c.id(), new ArrayList<>()));
        List<StationFigures> stations = new ArrayList<>();
        for (Station s : election.stations()) {
            byRegion.computeIfAbsent(s.region(), k -> new ArrayList<>()).add(s);
            if (!s.constituency().isEmpty()) {
                byConstituency.get(s.constituency()).add(s);
            }
            stations.add(new StationFigures(s.id(), s.region(), s.registeredVoters(), turnout.get(s.id())));
        }
        List<Area> regions = new ArrayList<>();
        byRegion.forEach((region, list) -> regions.add(area(election, region, list, false, turnout, results,
                rejected)));
        List<Area> constituencies = new ArrayList<>();
        byConstituency.forEach((id, list) -> constituencies.add(area(election, id, list, false, turnout, results,
                rejected)));
        Area nation = area(election, "", election.stations(), true, turnout, results, rejected);
        return new Picture(election.id(), nation, regions, constituencies, stations);
    }

    /**
     * The area's turnout, and each race its stations vote in ({@code everyRace}: each race of the election) counted
     * over those stations only: a constituency's race is pending at its own stations, not at every station.
     */
    private static Area area(Election election, String region, List<Station> stations, boolean everyRace,
                             Map<String, Integer> turnout, Map<String, List<AcceptedResult>> results,
                             Map<String, int[]> rejected) {
        long registered = 0;
        long voters = 0;
        int reportedTurnout = 0;
        Map<String, Set<String>> voting = new HashMap<>();
        for (Station s : stations) {
            Integer t = turnout.get(s.id());
            if (t != null) {
                registered += s.registeredVoters();
                voters += t;
                reportedTurnout++;
            }
            election.ballot(s.id()).forEach(r -> voting.computeIfAbsent(r.id(), k -> new HashSet<>()).add(s.id()));
        }
        List<RaceFigures> races = new ArrayList<>();
        for (Race race : election.allRaces()) {
            Set<String> here = voting.getOrDefault(race.id(), Set.of());
            if (here.isEmpty() && !everyRace) {
                continue;
            }
            Map<String, Long> votes = new LinkedHashMap<>();
            race.candidates().forEach(c -> votes.put(c.id(), 0L));
            long inBox = 0;
            long invalid = 0;
            int reported = 0;
            int flagged = 0;
            for (AcceptedResult r : results.getOrDefault(race.id(), List.of())) {
                if (!here.contains(r.station())) {
                    continue;
                }
                reported++;
                inBox += r.inBox();
                invalid += r.invalid();
                flagged += r.warnings().isEmpty() ? 0 : 1;
                for (int i = 0; i < race.candidates().size(); i++) {
                    votes.merge(race.candidates().get(i).id(), (long) r.votes().get(i), Long::sum);
                }
            }
            int rejectedStations = 0;
            int conflicts = 0;
            for (String s : here) {
                int[] c = rejected.get(s);
                if (c != null) {
                    rejectedStations += c[0] > 0 ? 1 : 0;
                    conflicts += c[1] > 0 ? 1 : 0;
                }
            }
            races.add(new RaceFigures(race.id(), votes, inBox, invalid, here.size(), reported,
                    here.size() - reported, rejectedStations, conflicts, flagged));
        }
        return new Area(region, stations.size(), registered, voters, reportedTurnout, races);
    }
}
