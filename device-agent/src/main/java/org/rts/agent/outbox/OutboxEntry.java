package org.rts.agent.outbox;

import java.time.Instant;

/**
 * One signed message in the outbox. {@code status} is null while it waits for the hub's receipt, then
 * {@code ACCEPTED} or {@code REJECTED}, with the hub's signed receipt.
 */
public record OutboxEntry(long seq, String hash, String kind, String jws, String summary, Instant createdAt,
                          int attempts, String status, String code, String reasons, String receipt) {
    public boolean pending() {
        return status == null;
    }
}
