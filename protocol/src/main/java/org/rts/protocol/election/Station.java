package org.rts.protocol.election;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rts.protocol.Ids;

/**
 * A polling station, the number of voters on its list, and the region (governorate, province) the operations room
 * totals it under ({@code ""}: its constituency's region, or none). The last three fields are not written when
 * empty, so a station of a single-list definition is written as before.
 *
 * @param centre       the polling centre it is part of ({@code ""}: not given)
 * @param constituency the constituency whose races it votes in ({@code ""}: none, national races only)
 * @param races        the ids of the races it votes in when not all of its constituency's and the national ones
 *                     (empty: all of them)
 * @param registeredVotersByRace voters on the list for a race, where the law counts them apart from the station's
 *                     list (say, a council that residents of another district may not vote for); a race not named
 *                     here counts {@code registeredVoters}
 */
public record Station(String id, String name, int registeredVoters, String region,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) String centre,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) String constituency,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> races,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Integer> registeredVotersByRace) {
    public Station(String id, String name, int registeredVoters, String region, String centre, String constituency,
                   List<String> races) {
        this(id, name, registeredVoters, region, centre, constituency, races, null);
    }

    public Station(String id, String name, int registeredVoters) {
        this(id, name, registeredVoters, null);
    }

    public Station(String id, String name, int registeredVoters, String region) {
        this(id, name, registeredVoters, region, null, null, null);
    }

    public Station {
        region = region == null ? "" : region.strip();
        centre = centre == null ? "" : centre.strip();
        constituency = constituency == null ? "" : constituency.strip();
        races = races == null ? List.of() : List.copyOf(races);
        registeredVotersByRace = registeredVotersByRace == null ? Map.of()
                : Collections.unmodifiableMap(new TreeMap<>(registeredVotersByRace));
        Ids.require("station.id", id);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("station '" + id + "' needs a name");
        }
        if (registeredVoters < 0 || registeredVoters > Tolerances.MAX_COUNT) {
            throw new IllegalArgumentException("station '" + id + "' registeredVoters must be 0.."
                    + Tolerances.MAX_COUNT + ", found: " + registeredVoters);
        }
        registeredVotersByRace.forEach((race, count) -> {
            if (count == null || count < 0 || count > Tolerances.MAX_COUNT) {
                throw new IllegalArgumentException("station '" + id + "' registeredVotersByRace." + race
                        + " must be 0.." + Tolerances.MAX_COUNT + ", found: " + count);
            }
        });
        var seen = new HashSet<String>();
        for (String race : races) {
            if (!seen.add(race)) {
                throw new IllegalArgumentException("station '" + id + "' lists race '" + race + "' twice");
            }
        }
    }

    /** Voters on the list for {@code race}: its own count where the definition gives one, else the station's. */
    public int registeredVoters(String race) {
        return registeredVotersByRace.getOrDefault(race, registeredVoters);
    }

    /** This station totalled under {@code region}. */
    Station inRegion(String region) {
        return new Station(id, name, registeredVoters, region, centre, constituency, races, registeredVotersByRace);
    }
}
