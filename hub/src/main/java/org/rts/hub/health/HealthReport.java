package org.rts.hub.health;

import java.time.Instant;
import java.util.List;

/**
 * What the hub says of itself, written to its health file every few seconds for a watchdog or an operator:
 * {@code ok} is false while any of {@code problems} holds (broker unreachable, store failing).
 */
public record HealthReport(Instant time, boolean ok, List<String> problems, boolean brokerConnected,
                           Instant connectedSince, long reconnects, long deafRecoveries, String lastBrokerError,
                           Instant lastMessageAt, long processed, long rateLimited, long released, int inbox,
                           Instant storeFailingSince, String storeError, long probeAgeMillis, long registryVersion,
                           long crlNumber) {
}
