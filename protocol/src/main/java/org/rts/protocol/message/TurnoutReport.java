package org.rts.protocol.message;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import org.rts.protocol.Topics;

/** Voters who have voted so far at a station, at a time of day. */
public record TurnoutReport(int v, String election, Mode mode, String device, String station, long seq, String prev,
                            Instant at, int voters) implements Report {
    public TurnoutReport {
        if (v != Report.VERSION) {
            throw new IllegalArgumentException("a turnout report has v " + Report.VERSION + ", found: " + v);
        }
        Report.validateHeader(v, election, mode, device, station, seq, prev);
        if (at == null) {
            throw new IllegalArgumentException("at (time of the count) is required");
        }
    }

    @Override
    @JsonIgnore
    public String kind() {
        return Topics.TURNOUT;
    }

    @Override
    public Instant reportedAt() {
        return at;
    }

    @Override
    public TurnoutReport withPosition(long seq, String prev) {
        return new TurnoutReport(v, election, mode, device, station, seq, prev, at, voters);
    }
}
