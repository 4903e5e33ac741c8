package org.rts.agent.outbox;

import java.time.Instant;

/**
 * One signed message in the outbox, in local order {@code id}. {@code status} is null while it waits for the
 * hub's final receipt, then {@code ACCEPTED} or {@code REJECTED} with the hub's signed receipt; {@code SUPERSEDED}
 * when a chain restart re-signed its content at a later place, {@code ABANDONED} when the technician gave it up.
 * {@code held} is the hub's reason for not taking it yet (it stays pending and is sent again).
 */
public record OutboxEntry(long id, long seq, String hash, String kind, String station, String jws, String summary,
                          Instant createdAt, int attempts, String status, String code, String reasons,
                          String receipt, String held) {
    public boolean pending() {
        return status == null;
    }
}
