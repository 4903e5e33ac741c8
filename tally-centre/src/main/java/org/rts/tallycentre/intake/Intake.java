package org.rts.tallycentre.intake;

import java.io.IOException;
import java.time.Clock;
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

    public synchronized Outcome take(byte[] body) {
        ForwardedMessage m;
        try {
            m = Json.mapper().readValue(body, ForwardedMessage.class);
            verifier.verify(m);
        } catch (IOException | RuntimeException e) {
            return new Outcome(Verdict.INVALID, String.valueOf(e.getMessage()));
        }
        try {
            boolean first = store.keep(m.idempotencyKey(), m.kind(), m.device(), m.station(), m.jws(), m.receipt(),
                    clock.instant());
            return new Outcome(first ? Verdict.STORED : Verdict.DUPLICATE, "");
        } catch (StoreException e) {
            return new Outcome(Verdict.UNAVAILABLE, e.getMessage());
        }
    }
}
