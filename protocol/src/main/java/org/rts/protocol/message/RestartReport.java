package org.rts.protocol.message;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import org.rts.protocol.Topics;

/**
 * A device starts its chain again from the hub's head: it lost its outbox, or its chain and the hub's went apart.
 * Like every report it takes the next sequence number and links to the hub's last message of the device
 * ({@code prev}), so nothing earlier is re-used or overwritten; the hub records it and flags it for review.
 * {@code localSeq} is the last sequence number the device still had (0 when its outbox was lost).
 */
public record RestartReport(int v, String election, Mode mode, String device, String station, long seq, String prev,
                            Instant at, Cause cause, long localSeq) implements Report {
    /** Why the device restarts its chain. */
    public enum Cause {
        /** The outbox was missing, empty or corrupt and was replaced by an empty one. */
        OUTBOX_LOST,
        /** The hub answered that the device's sequence or previous hash does not continue its chain. */
        CHAIN_DIVERGED
    }

    public RestartReport {
        if (v != Report.VERSION) {
            throw new IllegalArgumentException("a restart report has v " + Report.VERSION + ", found: " + v);
        }
        Report.validateHeader(v, election, mode, device, station, seq, prev);
        if (at == null || cause == null) {
            throw new IllegalArgumentException("at and cause are required");
        }
        if (localSeq < 0) {
            throw new IllegalArgumentException("localSeq must be >= 0, found: " + localSeq);
        }
    }

    @Override
    @JsonIgnore
    public String kind() {
        return Topics.RESTART;
    }

    @Override
    public Instant reportedAt() {
        return at;
    }

    @Override
    public RestartReport withPosition(long seq, String prev) {
        return new RestartReport(v, election, mode, device, station, seq, prev, at, cause, localSeq);
    }
}
