package org.rts.hub.health;

import java.time.Instant;
import java.util.List;

/**
 * What the hub says of itself, written to its health file every few seconds for a watchdog or an operator:
 * {@code ok} is false while any of {@code problems} holds (broker unreachable, store failing). {@code duplicates}
 * counts identical copies of chained messages answered and not stored (resends and broker redeliveries).
 */
public record HealthReport(Instant time, boolean ok, List<String> problems, boolean brokerConnected,
                           Instant connectedSince, long reconnects, long deafRecoveries, String lastBrokerError,
                           Instant lastMessageAt, long processed, long rateLimited, long released, long duplicates, int inbox,
                           Instant storeFailingSince, String storeError, long probeAgeMillis, long registryVersion,
                           long crlNumber, List<Forwarding> forwarding, Kafka kafka, String storeServer) {
    /**
     * A Kafka-fed hub's share of the reports topic: the partitions it reads, the messages behind on them (summed),
     * the reassignments it went through, and the last failure to read.
     */
    public record Kafka(List<Integer> partitions, long lag, long rebalances, String lastError) {
    }

    /**
     * One tally centre's queue: messages waiting and how long the oldest has waited (its lag), delivered and
     * refused ones, and the last failure.
     */
    public record Forwarding(String upstream, long pending, long lagSeconds, long delivered, long refused,
                             String lastError) {
    }
}
