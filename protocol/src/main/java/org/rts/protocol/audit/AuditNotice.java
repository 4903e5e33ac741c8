package org.rts.protocol.audit;

import java.time.Instant;

/**
 * What the hub tells a tally centre when a hand count puts a station's accepted result under audit, or takes it out
 * again (a corrected count): signed by the hub's key as a JWS and forwarded like a result, under kind
 * {@value #KIND}. The result keeps counting; the tally centre marks it.
 *
 * @param result     the hash of the accepted result's JWS (its forwarded idempotency key)
 * @param underAudit whether the difference reaches the threshold
 */
public record AuditNotice(int v, String election, String station, String race, String result, HandCount count,
                          int difference, double percent, double thresholdPercent, boolean underAudit, Instant at) {
    public static final int VERSION = 1;
    public static final String KIND = "audit";

    public AuditNotice {
        if (v != VERSION) {
            throw new IllegalArgumentException("an audit notice's v must be " + VERSION + ", found: " + v);
        }
        if (election == null || station == null || race == null || result == null || count == null || at == null) {
            throw new IllegalArgumentException("an audit notice names its election, station, race, result, count"
                    + " and time");
        }
    }
}
