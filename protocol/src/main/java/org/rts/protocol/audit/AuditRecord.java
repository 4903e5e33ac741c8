package org.rts.protocol.audit;

import java.time.Instant;
import java.util.List;

/**
 * The hand-count audit as an export holds it ({@code audit.json}): the public parameters of the selection, the
 * stations they give, each hand count the audit team entered and how it compared with the accepted result
 * (null figures: no accepted result to compare with yet). {@code verify-export} chooses the stations again and
 * compares again.
 */
public record AuditRecord(String seed, int count, boolean perConstituency, double thresholdPercent,
                          String selectedBy, Instant selectedAt, List<String> stations, List<Counted> counts) {
    /** One hand count and its comparison. */
    public record Counted(HandCount count, Integer difference, Double percent, Boolean flagged) {
    }
}
