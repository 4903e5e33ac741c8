package org.rts.protocol.election;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.stream.Collectors;

/**
 * The stations of a ballot definition, unmodifiable, in their order, with a lookup by id and each station's ballot
 * worked out once: a national election has tens of thousands of stations and every report names one. Stations
 * without a region of their own take their constituency's.
 */
final class StationList extends AbstractList<Station> implements RandomAccess {
    private final List<Station> stations;
    private final Map<String, Station> byId;
    /** Every race, national ones first, then each constituency's in order. */
    private final Map<String, Race> races = new LinkedHashMap<>();
    /** By race id: the constituency it belongs to, "" for a national race. */
    private final Map<String, String> home = new HashMap<>();
    private final List<Race> allRaces;
    private final Map<String, Constituency> constituencies = new LinkedHashMap<>();
    /** By station id; stations that vote in all their races share one list. */
    private final Map<String, List<Race>> ballots;

    private StationList(List<Station> given, List<Race> national, List<Constituency> constituencyList) {
        national.forEach(r -> addRace(r, null));
        for (Constituency c : constituencyList) {
            if (constituencies.put(c.id(), c) != null) {
                throw new IllegalArgumentException("constituency '" + c.id() + "' is defined twice");
            }
            c.races().forEach(r -> addRace(r, c));
        }
        Map<String, List<Race>> whole = new HashMap<>();
        whole.put("", national);
        List<Station> list = new ArrayList<>(given.size());
        this.byId = new HashMap<>(given.size() * 2);
        this.ballots = new HashMap<>(given.size() * 2);
        for (Station s : given) {
            Constituency c = constituencyOf(s);
            if (c != null && !c.region().isEmpty()) {
                if (!s.region().isEmpty() && !s.region().equals(c.region())) {
                    throw new IllegalArgumentException("station '" + s.id() + "' is in region '" + s.region()
                            + "' but its constituency '" + c.id() + "' is in region '" + c.region() + "'");
                }
                s = s.inRegion(c.region());
            }
            if (byId.put(s.id(), s) != null) {
                throw new IllegalArgumentException("station '" + s.id() + "' is defined twice");
            }
            List<Race> all = whole.computeIfAbsent(s.constituency(), k -> {
                List<Race> both = new ArrayList<>(national);
                both.addAll(c.races());
                return List.copyOf(both);
            });
            List<Race> ballot = s.races().isEmpty() ? all : subset(s, all);
            if (ballot.isEmpty()) {
                throw new IllegalArgumentException("station '" + s.id() + "' has no race to vote in: "
                        + (c == null ? "it names no constituency" : "constituency '" + c.id() + "' has none")
                        + " and there is no national race");
            }
            for (String race : s.registeredVotersByRace().keySet()) {
                if (ballot.stream().noneMatch(r -> r.id().equals(race))) {
                    throw new IllegalArgumentException("station '" + s.id() + "' gives registered voters for race '"
                            + race + "', which is not on its ballot");
                }
            }
            ballots.put(s.id(), ballot);
            list.add(s);
        }
        this.stations = List.copyOf(list);
        this.allRaces = List.copyOf(races.values());
    }

    static StationList of(List<Station> stations, List<Race> national, List<Constituency> constituencies) {
        return new StationList(stations, national, constituencies);
    }

    private void addRace(Race race, Constituency in) {
        String here = in == null ? "" : in.id();
        String before = home.putIfAbsent(race.id(), here);
        if (before != null) {
            throw new IllegalArgumentException("race '" + race.id() + "' is defined twice: " + (before.equals(here)
                    ? where(here) : where(before) + " and " + where(here)));
        }
        races.put(race.id(), race);
    }

    private static String where(String constituency) {
        return constituency.isEmpty() ? "as a national race" : "in constituency '" + constituency + "'";
    }

    private Constituency constituencyOf(Station s) {
        if (s.constituency().isEmpty()) {
            return null;
        }
        Constituency c = constituencies.get(s.constituency());
        if (c == null) {
            throw new IllegalArgumentException("station '" + s.id() + "' names constituency '" + s.constituency()
                    + "', which is not in the ballot definition" + (constituencies.isEmpty() ? " (it has none)"
                    : " (constituencies: " + String.join(", ", constituencies.keySet()) + ")"));
        }
        return c;
    }

    /** The station's own list of races, in ballot order, each one it may vote in. */
    private static List<Race> subset(Station s, List<Race> all) {
        for (String race : s.races()) {
            if (all.stream().noneMatch(r -> r.id().equals(race))) {
                throw new IllegalArgumentException("station '" + s.id() + "' lists race '" + race + "', which is "
                        + (s.constituency().isEmpty() ? "not a national race"
                        : "neither a national race nor one of constituency '" + s.constituency() + "'")
                        + " (it may vote in: " + all.stream().map(Race::id).collect(Collectors.joining(", "))
                        + ")");
            }
        }
        return all.stream().filter(r -> s.races().contains(r.id())).toList();
    }

    Optional<Station> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    Optional<Race> race(String id) {
        return Optional.ofNullable(races.get(id));
    }

    List<Race> races() {
        return allRaces;
    }

    Optional<Constituency> constituency(String id) {
        return Optional.ofNullable(constituencies.get(id));
    }

    List<Race> ballot(String stationId) {
        return ballots.getOrDefault(stationId, List.of());
    }

    @Override
    public Station get(int index) {
        return stations.get(index);
    }

    @Override
    public int size() {
        return stations.size();
    }
}
