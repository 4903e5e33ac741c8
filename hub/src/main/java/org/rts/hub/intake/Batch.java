package org.rts.hub.intake;

import java.util.List;
import org.rts.protocol.merkle.ReceiptLog;

/** A batch decided: its decisions in arrival order, and what it added to the receipt log (null: nothing). */
public record Batch(List<Decision> decisions, ReceiptLog.Sealed log) {
    public Batch {
        decisions = List.copyOf(decisions);
    }

    /** Decisions that add nothing to a log. */
    public static Batch of(List<Decision> decisions) {
        return new Batch(decisions, null);
    }
}
