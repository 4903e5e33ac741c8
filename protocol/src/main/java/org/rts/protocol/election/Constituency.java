package org.rts.protocol.election;

import java.util.List;
import org.rts.protocol.Ids;

/**
 * A constituency (or district) with the races only its stations contest, and the region ({@code ""}: none) the
 * operations room totals its stations under.
 */
public record Constituency(String id, String name, String region, List<Race> races) {
    public Constituency {
        Ids.require("constituency.id", id);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("constituency '" + id + "' needs a name");
        }
        region = region == null ? "" : region.strip();
        races = races == null ? List.of() : List.copyOf(races);
    }
}
