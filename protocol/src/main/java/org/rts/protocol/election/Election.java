package org.rts.protocol.election;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.rts.protocol.Ids;
import org.rts.protocol.message.Mode;

/**
 * The ballot definition: races, candidates, stations with their registered voters, tolerances, and the polling
 * day's clock ({@link Polling}: time zone, turnout report times).
 */
public record Election(String id, String name, Mode mode, List<Race> races, List<Station> stations,
                       Tolerances tolerances, Polling polling) {
    public Election(String id, String name, Mode mode, List<Race> races, List<Station> stations,
                    Tolerances tolerances) {
        this(id, name, mode, races, stations, tolerances, null);
    }

    public Election {
        Ids.require("election.id", id);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("election '" + id + "' needs a name");
        }
        if (mode == null) {
            throw new IllegalArgumentException("election.mode must be LIVE or DRILL");
        }
        if (races == null || races.isEmpty() || stations == null || stations.isEmpty()) {
            throw new IllegalArgumentException("election '" + id + "' needs at least one race and one station");
        }
        races = List.copyOf(races);
        stations = StationList.of(stations);
        tolerances = tolerances == null ? Tolerances.DEFAULT : tolerances;
        polling = polling == null ? Polling.DEFAULT : polling;
        unique("race", races.stream().map(Race::id).toList());
    }

    private static void unique(String what, List<String> ids) {
        var seen = new HashSet<String>();
        for (String id : ids) {
            if (!seen.add(id)) {
                throw new IllegalArgumentException(what + " '" + id + "' is defined twice");
            }
        }
    }

    public Optional<Race> race(String raceId) {
        return races.stream().filter(r -> r.id().equals(raceId)).findFirst();
    }

    public Optional<Station> station(String stationId) {
        return ((StationList) stations).byId(stationId);
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
