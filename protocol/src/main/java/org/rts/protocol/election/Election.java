package org.rts.protocol.election;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.rts.protocol.Ids;
import org.rts.protocol.message.Mode;

/**
 * The ballot definition: races, constituencies with their own races, stations with their registered voters,
 * tolerances, the polling day's clock ({@link Polling}: time zone, turnout report times), and whether results
 * carry the photo of their paper form.
 *
 * <p>{@code races} are the national races, which every station contests; a station also contests the races of its
 * constituency, or only those of both it lists. Race ids are unique across the election. A definition without
 * constituencies is the single-list model: every station votes in every race, and is written as it was before
 * constituencies existed.
 */
public record Election(String id, String name, Mode mode, List<Race> races,
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Constituency> constituencies,
                       List<Station> stations, Tolerances tolerances, Polling polling,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Photos photos) {
    /**
     * Whether a result is bound to the photo of its signed paper form: {@code REQUIRED}, or {@code OPTIONAL} (the
     * officer may send without one, and the result says so). Absent: units take no photo.
     */
    public enum Photos {
        REQUIRED,
        OPTIONAL
    }

    public Election(String id, String name, Mode mode, List<Race> races, List<Constituency> constituencies,
                    List<Station> stations, Tolerances tolerances, Polling polling) {
        this(id, name, mode, races, constituencies, stations, tolerances, polling, null);
    }

    public Election(String id, String name, Mode mode, List<Race> races, List<Station> stations,
                    Tolerances tolerances) {
        this(id, name, mode, races, stations, tolerances, null);
    }

    public Election(String id, String name, Mode mode, List<Race> races, List<Station> stations,
                    Tolerances tolerances, Polling polling) {
        this(id, name, mode, races, null, stations, tolerances, polling);
    }

    public Election {
        Ids.require("election.id", id);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("election '" + id + "' needs a name");
        }
        if (mode == null) {
            throw new IllegalArgumentException("election.mode must be LIVE or DRILL");
        }
        races = races == null ? List.of() : List.copyOf(races);
        constituencies = constituencies == null ? List.of() : List.copyOf(constituencies);
        if ((races.isEmpty() && constituencies.stream().allMatch(c -> c.races().isEmpty()))
                || stations == null || stations.isEmpty()) {
            throw new IllegalArgumentException("election '" + id + "' needs at least one race and one station");
        }
        stations = StationList.of(stations, races, constituencies);
        tolerances = tolerances == null ? Tolerances.DEFAULT : tolerances;
        polling = polling == null ? Polling.DEFAULT : polling;
    }

    /** Any race of the election, national or a constituency's. */
    public Optional<Race> race(String raceId) {
        return index().race(raceId);
    }

    /** Every race: the national ones, then each constituency's in order. */
    public List<Race> allRaces() {
        return index().races();
    }

    public Optional<Station> station(String stationId) {
        return index().byId(stationId);
    }

    public Optional<Constituency> constituency(String constituencyId) {
        return index().constituency(constituencyId);
    }

    /** The races the station votes in, national ones first; empty for a station the definition does not have. */
    public List<Race> ballot(String stationId) {
        return index().ballot(stationId);
    }

    public boolean onBallot(String stationId, String raceId) {
        return ballot(stationId).stream().anyMatch(r -> r.id().equals(raceId));
    }

    /** Whether this is the single-list model: no constituency, and every station votes in every race. */
    public boolean singleList() {
        return constituencies.isEmpty() && stations.stream().allMatch(s -> s.races().isEmpty());
    }

    /**
     * The part of this definition one station needs, to be signed on its own for the unit: the station, the races
     * of its ballot (national ones and its constituency's, with their candidates), tolerances and polling times.
     * A unit of a national election reads a few kilobytes, not every station of the nation.
     */
    public Election extract(String stationId) {
        Station station = station(stationId).orElseThrow(() -> new IllegalArgumentException(
                "station '" + stationId + "' is not in election " + id));
        List<Race> ballot = ballot(stationId);
        List<Race> national = races.stream().filter(ballot::contains).toList();
        List<Constituency> own = constituency(station.constituency())
                .map(c -> List.of(new Constituency(c.id(), c.name(), c.region(),
                        c.races().stream().filter(ballot::contains).toList())))
                .orElse(List.of());
        return new Election(id, name, mode, national, own, List.of(station), tolerances, polling, photos);
    }

    private StationList index() {
        return (StationList) stations;
    }

    /** Reads a ballot definition a person wrote (provisioning's input); not yet signed. */
    public static Election read(Path file) {
        return org.rts.protocol.codec.JsonFiles.read(file, Election.class, "ballot definition");
    }

    /** Reads a ballot definition after checking the election authority's signature on it. */
    public static Election readSigned(Path file, org.bouncycastle.cert.X509CertificateHolder ca) {
        byte[] bytes = org.rts.protocol.files.SignedFile.readVerified(file, ca);
        return org.rts.protocol.codec.JsonFiles.parse(file, bytes, Election.class, "ballot definition");
    }
}
