package org.rts.protocol.audit;

import java.time.Instant;
import java.util.List;

/**
 * A selected station's hand count for one race, as the audit team entered it, and how it compares with the
 * electronic result: the difference is the sum, over the candidates and the invalid ballots, of how far the hand
 * count is from the signed result; it is flagged when it reaches {@code thresholdPercent} of the ballots the signed
 * result found in the box. The hub and {@code verify-export} compare with this same code.
 */
public record HandCount(String station, String race, int inBox, int invalid, List<Integer> votes, String user,
                        Instant at) {
    public HandCount {
        if (inBox < 0 || invalid < 0 || votes == null || votes.stream().anyMatch(v -> v == null || v < 0)) {
            throw new IllegalArgumentException("a hand count has no negative or missing figure");
        }
        votes = List.copyOf(votes);
    }

    /** The comparison with the signed result's figures. */
    public record Comparison(int difference, double percent, boolean flagged) {
    }

    public Comparison compare(int resultInBox, int resultInvalid, List<Integer> resultVotes,
                              double thresholdPercent) {
        if (resultVotes.size() != votes.size()) {
            throw new IllegalArgumentException("the hand count has " + votes.size() + " candidates' votes, the result "
                    + resultVotes.size());
        }
        int difference = Math.abs(invalid - resultInvalid);
        for (int i = 0; i < votes.size(); i++) {
            difference += Math.abs(votes.get(i) - resultVotes.get(i));
        }
        double percent = 100.0 * difference / Math.max(1, resultInBox);
        return new Comparison(difference, percent, percent >= thresholdPercent);
    }
}
