package org.rts.protocol.election;

import org.rts.protocol.Ids;

public record Candidate(String id, String name) {
    public Candidate {
        Ids.require("candidate.id", id);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("candidate '" + id + "' needs a name");
        }
    }
}
