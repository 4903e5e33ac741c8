package org.rts.agent.workflow;

import java.util.List;
import org.rts.protocol.message.Report;
import org.rts.protocol.reconciliation.Findings;

/**
 * A report ready for the officer's review: the figures, what the checks found, and the report itself once the
 * outbox assigns its sequence number and previous hash ({@code preview} is it at sequence 1).
 */
public record Draft(List<String> review, Findings findings, Report preview, Builder builder) {
    /** Builds the final report for a sequence number and the previous message's hash. */
    public interface Builder {
        Report build(long seq, String prev);
    }

    public Draft(List<String> review, Findings findings, Builder builder) {
        this(review, findings, builder.build(1, ""), builder);
    }
}
