package org.rts.protocol.election;

/**
 * Reconciliation and clock tolerances, part of the signed ballot definition. Every key is optional; a missing one
 * takes its default.
 *
 * @param boxVsVotesPercent  ballots in the box may differ from votes counted (valid + invalid) by this percentage of
 *                           ballots in the box (default 3.0, bound 0..100)
 * @param overVotingVotes    votes counted may exceed registered voters by this many (default 5, bound >= 0)
 * @param ballotAccounting   received may differ from unused + spoiled + in box by this many (default 0, bound >= 0)
 * @param invalidWarnPercent invalid ballots at or above this percentage of votes counted raise a warning
 *                           (default 3.0, bound 0..100)
 * @param clockWarnSeconds   a report dated more than this ahead of the hub's clock is flagged (default 600,
 *                           bound >= 0)
 * @param clockRejectSeconds a report dated more than this ahead of the hub's clock is rejected (default 86400, one
 *                           day, bound >= clockWarnSeconds)
 */
public record Tolerances(Double boxVsVotesPercent, Integer overVotingVotes, Integer ballotAccounting,
                         Double invalidWarnPercent, Long clockWarnSeconds, Long clockRejectSeconds) {
    /** No polling station handles this many ballots; any count above it is an input error. */
    public static final int MAX_COUNT = 1_000_000;

    public static final Tolerances DEFAULT = new Tolerances(null, null, null, null, null, null);

    public Tolerances {
        boxVsVotesPercent = percent("boxVsVotesPercent", boxVsVotesPercent, 3.0);
        invalidWarnPercent = percent("invalidWarnPercent", invalidWarnPercent, 3.0);
        overVotingVotes = atLeast("overVotingVotes", overVotingVotes, 5, 0);
        ballotAccounting = atLeast("ballotAccounting", ballotAccounting, 0, 0);
        clockWarnSeconds = clockWarnSeconds == null ? 600 : clockWarnSeconds;
        if (clockWarnSeconds < 0) {
            throw new IllegalArgumentException("tolerances.clockWarnSeconds must be >= 0, found: " + clockWarnSeconds);
        }
        clockRejectSeconds = clockRejectSeconds == null ? Math.max(86_400, clockWarnSeconds) : clockRejectSeconds;
        if (clockRejectSeconds < clockWarnSeconds) {
            throw new IllegalArgumentException("tolerances.clockRejectSeconds must be >= clockWarnSeconds ("
                    + clockWarnSeconds + "), found: " + clockRejectSeconds);
        }
    }

    /** The reconciliation tolerances with the default clock tolerances. */
    public Tolerances(double boxVsVotesPercent, int overVotingVotes, int ballotAccounting, double invalidWarnPercent) {
        this(boxVsVotesPercent, overVotingVotes, ballotAccounting, invalidWarnPercent, null, null);
    }

    private static Double percent(String field, Double value, double fallback) {
        if (value == null) {
            return fallback;
        }
        if (!(value >= 0 && value <= 100)) {
            throw new IllegalArgumentException("tolerances." + field + " must be 0..100, found: " + value);
        }
        return value;
    }

    private static Integer atLeast(String field, Integer value, int fallback, int min) {
        if (value == null) {
            return fallback;
        }
        if (value < min) {
            throw new IllegalArgumentException("tolerances." + field + " must be >= " + min + ", found: " + value);
        }
        return value;
    }
}
