package org.rts.protocol.election;

/**
 * Reconciliation tolerances, part of the signed ballot definition.
 *
 * @param boxVsVotesPercent  ballots in the box may differ from votes counted (valid + invalid) by this percentage of
 *                           ballots in the box (default 3.0, bound 0..100)
 * @param overVotingVotes    votes counted may exceed registered voters by this many (default 5, bound >= 0)
 * @param ballotAccounting   received may differ from unused + spoiled + in box by this many (default 0, bound >= 0)
 * @param invalidWarnPercent invalid ballots at or above this percentage of votes counted raise a warning (default 3.0)
 */
public record Tolerances(double boxVsVotesPercent, int overVotingVotes, int ballotAccounting,
                         double invalidWarnPercent) {
    /** No polling station handles this many ballots; any count above it is an input error. */
    public static final int MAX_COUNT = 1_000_000;

    public static final Tolerances DEFAULT = new Tolerances(3.0, 5, 0, 3.0);

    public Tolerances {
        percent("boxVsVotesPercent", boxVsVotesPercent);
        percent("invalidWarnPercent", invalidWarnPercent);
        if (overVotingVotes < 0) {
            throw new IllegalArgumentException("tolerances.overVotingVotes must be >= 0, found: " + overVotingVotes);
        }
        if (ballotAccounting < 0) {
            throw new IllegalArgumentException("tolerances.ballotAccounting must be >= 0, found: " + ballotAccounting);
        }
    }

    private static void percent(String field, double value) {
        if (!(value >= 0 && value <= 100)) {
            throw new IllegalArgumentException("tolerances." + field + " must be 0..100, found: " + value);
        }
    }
}
