package org.rts.tallycentre.intake;

import java.io.IOException;
import java.time.Clock;
import org.rts.protocol.audit.AuditNotice;
import org.rts.protocol.codec.Json;
import org.rts.tallycentre.store.ReceivedStore;
import org.rts.tallycentre.store.StoreException;
import org.rts.tallycentre.verification.ForwardedMessage;
import org.rts.tallycentre.verification.Verifier;

/**
 * Takes one forwarded message as it arrived (HTTP body or MQTT payload): verifies it and stores it once per
 * idempotency key. One message at a time, whichever transport it came by.
 */
public final class Intake {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Intake.class);

    private final Verifier verifier;
    private final ReceivedStore store;
    private final Clock clock;

    public Intake(Verifier verifier, ReceivedStore store, Clock clock) {
        this.verifier = verifier;
        this.store = store;
        this.clock = clock;
    }

    /** What became of one forwarded message. */
    public enum Verdict {
        STORED,
        DUPLICATE,
        /** The message does not parse or does not verify: not stored, and sending it again will not help. */
        INVALID,
        /** The store failed: not stored, to be sent again. */
        UNAVAILABLE
    }

    /** The verdict and, when the message was not stored, why. */
    public record Outcome(Verdict verdict, String problem) {
    }

    /**
     * The results under audit, {@code station/race}: those whose latest notice from the hub (by the time it was
     * made, then by arrival) says so. They still count; the tally centre shows them as in doubt.
     */
    public synchronized java.util.Set<String> underAudit() {
        java.util.Map<String, AuditNotice> last = new java.util.HashMap<>();
        for (String jws : store.jws(AuditNotice.KIND)) {
            AuditNotice n = Verifier.notice(jws);
            last.merge(n.station() + "/" + n.race(), n, (a, b) -> b.at().isBefore(a.at()) ? a : b);
        }
        java.util.Set<String> under = new java.util.TreeSet<>();
        last.forEach((key, n) -> {
            if (n.underAudit()) {
                under.add(key);
            }
        });
        return under;
    }

    public synchronized Outcome take(byte[] body) {
        ForwardedMessage m;
        try {
            m = Json.mapper().readValue(body, ForwardedMessage.class);
            verifier.verify(m);
        } catch (IOException | RuntimeException e) {
            return new Outcome(Verdict.INVALID, String.valueOf(e.getMessage()));
        }
        try {
            boolean first = store.keep(m.idempotencyKey(), m.kind(), m.device(), m.station(), m.jws(),
                    m.receipt() == null ? "" : m.receipt(), clock.instant());
            if (first && AuditNotice.KIND.equals(m.kind())) {
                AuditNotice n = Verifier.notice(m.jws());
                LOG.warn("station {} race {}: {} (the hand count differs by {} ballots, {} %)", n.station(), n.race(),
                        n.underAudit() ? "the result is UNDER AUDIT" : "the result is no longer under audit",
                        n.difference(), String.format(java.util.Locale.ROOT, "%.1f", n.percent()));
            }
            return new Outcome(first ? Verdict.STORED : Verdict.DUPLICATE, "");
        } catch (StoreException e) {
            return new Outcome(Verdict.UNAVAILABLE, e.getMessage());
        }
    }
}
