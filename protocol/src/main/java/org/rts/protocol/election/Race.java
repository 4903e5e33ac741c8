package org.rts.protocol.election;

import java.util.HashSet;
import java.util.List;
import org.rts.protocol.Ids;

/** A contest on the ballot; candidate order is the order of vote counts in a result report. */
public record Race(String id, String name, List<Candidate> candidates) {
    public Race {
        Ids.require("race.id", id);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("race '" + id + "' needs a name");
        }
        if (candidates == null || candidates.isEmpty()) {
            throw new IllegalArgumentException("race '" + id + "' needs at least one candidate");
        }
        candidates = List.copyOf(candidates);
        var seen = new HashSet<String>();
        for (Candidate c : candidates) {
            if (!seen.add(c.id())) {
                throw new IllegalArgumentException("race '" + id + "' lists candidate '" + c.id() + "' twice");
            }
        }
    }
}
