package org.rts.protocol.election;

import org.rts.protocol.Ids;

/** A polling station and the number of voters on its list. */
public record Station(String id, String name, int registeredVoters) {
    public Station {
        Ids.require("station.id", id);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("station '" + id + "' needs a name");
        }
        if (registeredVoters < 0 || registeredVoters > Tolerances.MAX_COUNT) {
            throw new IllegalArgumentException("station '" + id + "' registeredVoters must be 0.."
                    + Tolerances.MAX_COUNT + ", found: " + registeredVoters);
        }
    }
}
