package org.rts.protocol.message;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import org.rts.protocol.Ids;
import org.rts.protocol.Topics;

/**
 * A station's counted result for one race. {@code votes} follows the ballot definition's candidate order.
 * Counts are not range-checked here: the hub answers an impossible count with a reason code, not a parse error.
 */
public record ResultReport(int v, String election, Mode mode, String device, String station, long seq, String prev,
                           String race, int registered, int received, int unused, int spoiled, int inBox,
                           int invalid, List<Integer> votes, Instant closedAt,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Photo photo) implements Report {
    /** A result of version 1, without a photo (units that take none, and those not yet updated). */
    public ResultReport(int v, String election, Mode mode, String device, String station, long seq, String prev,
                        String race, int registered, int received, int unused, int spoiled, int inBox,
                        int invalid, List<Integer> votes, Instant closedAt) {
        this(v, election, mode, device, station, seq, prev, race, registered, received, unused, spoiled, inBox,
                invalid, votes, closedAt, null);
    }

    public ResultReport {
        Report.validateHeader(v, election, mode, device, station, seq, prev);
        Ids.require("race", race);
        if (votes == null || votes.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("votes must be a list of whole numbers, found: " + votes);
        }
        votes = List.copyOf(votes);
        if (closedAt == null) {
            throw new IllegalArgumentException("closedAt (time the count closed) is required");
        }
        if ((v == PHOTO_VERSION) != (photo != null)) {
            throw new IllegalArgumentException("a result of v " + PHOTO_VERSION + " carries its photo (or that it was"
                    + " skipped), one of v " + VERSION + " none; found v " + v + " with photo " + photo);
        }
    }

    /** This result bound to {@code photo}, at version {@link #PHOTO_VERSION}. */
    public ResultReport withPhoto(Photo photo) {
        return new ResultReport(PHOTO_VERSION, election, mode, device, station, seq, prev, race, registered,
                received, unused, spoiled, inBox, invalid, votes, closedAt, photo);
    }

    @Override
    @JsonIgnore
    public String kind() {
        return Topics.RESULT;
    }

    @Override
    public Instant reportedAt() {
        return closedAt;
    }

    /** Valid votes: the sum over candidates. */
    public long validVotes() {
        long sum = 0;
        for (int n : votes) {
            sum += n;
        }
        return sum;
    }

    /** The figures that make two results "the same result", whatever the envelope (sequence, device). */
    public String figures() {
        return "registered=" + registered + " received=" + received + " unused=" + unused + " spoiled=" + spoiled
                + " inBox=" + inBox + " invalid=" + invalid + " votes=" + votes;
    }

    @Override
    public ResultReport withPosition(long seq, String prev) {
        return new ResultReport(v, election, mode, device, station, seq, prev, race, registered, received, unused,
                spoiled, inBox, invalid, votes, closedAt, photo);
    }
}
