package org.rts.protocol.election;

import org.rts.protocol.Ids;

/**
 * A polling station, the number of voters on its list, and the region (governorate, province, constituency) the
 * operations room totals it under ({@code ""}: none).
 */
public record Station(String id, String name, int registeredVoters, String region) {
    public Station(String id, String name, int registeredVoters) {
        this(id, name, registeredVoters, null);
    }

    public Station {
        region = region == null ? "" : region.strip();
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
