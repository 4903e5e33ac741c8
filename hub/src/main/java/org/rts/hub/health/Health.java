package org.rts.hub.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hub's running account of itself: counters updated on the message path, a snapshot for the health file.
 * Thread-safe; counters are plain atomics, so the message path pays nothing to keep them.
 */
public final class Health {
    private final Clock clock;
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong released = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong deafRecoveries = new AtomicLong();
    private final AtomicLong storeFailures = new AtomicLong();
    private volatile Instant lastMessageAt;
    private volatile Instant storeFailingSince;
    private volatile String storeError;

    public Health(Clock clock) {
        this.clock = clock;
    }

    public void processed() {
        processed.incrementAndGet();
        lastMessageAt = clock.instant();
    }

    public void rateLimited() {
        rateLimited.incrementAndGet();
    }

    /** A message given up after repeated failures that were not the store's (acknowledged without an answer). */
    public void released() {
        released.incrementAndGet();
    }

    /**
     * An identical copy of a chained message, answered with its receipt and not stored: a unit's resend, or the
     * broker delivering again (many of them at once are a redelivery storm).
     */
    public void duplicate() {
        duplicates.incrementAndGet();
    }

    public long releasedCount() {
        return released.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    public void deafRecovery() {
        deafRecoveries.incrementAndGet();
    }

    public void storeFailed(String error) {
        storeFailures.incrementAndGet();
        if (storeFailingSince == null) {
            storeFailingSince = clock.instant();
        }
        storeError = error;
    }

    public void storeRecovered() {
        storeFailingSince = null;
        storeError = null;
    }

    /** Attempts to store that failed for the store's sake since the hub started. */
    public long storeFailures() {
        return storeFailures.get();
    }

    public boolean storeFailing() {
        return storeFailingSince != null;
    }

    public long processedCount() {
        return processed.get();
    }

    public long rateLimitedCount() {
        return rateLimited.get();
    }

    /** What the source's connection says of itself. */
    public interface Source {
        boolean isConnected();

        Instant connectedAt();

        long reconnects();

        String lastError();

        /** How long the probe on its way has travelled, in milliseconds; -1 when none is. */
        long probeAge();
    }

    /** Forwarding that lags longer than this is reported as a problem. */
    static final Duration FORWARD_LAG_PROBLEM = Duration.ofMinutes(5);

    public HealthReport report(Source mqtt, int inbox, org.rts.hub.registry.DeviceRegistry registry,
                               List<HealthReport.Forwarding> forwarding, HealthReport.Kafka kafka,
                               String storeServer) {
        Instant now = clock.instant();
        List<String> problems = new ArrayList<>();
        boolean connected = mqtt.isConnected();
        if (!connected) {
            problems.add("not connected to the broker: " + mqtt.lastError());
        }
        Instant failing = storeFailingSince;
        if (failing != null) {
            problems.add("store failing for " + Duration.between(failing, now).toSeconds() + " s: " + storeError);
        }
        for (HealthReport.Forwarding f : forwarding) {
            if (f.lagSeconds() > FORWARD_LAG_PROBLEM.toSeconds()) {
                problems.add("forwarding to " + f.upstream() + " lags " + f.lagSeconds() + " s with " + f.pending()
                        + " messages waiting: " + f.lastError());
            }
        }
        if (kafka != null && !kafka.lastError().isEmpty()) {
            problems.add("reading the reports from Kafka: " + kafka.lastError());
        }
        return new HealthReport(now, problems.isEmpty(), problems, connected, mqtt.connectedAt(), mqtt.reconnects(),
                deafRecoveries.get(), mqtt.lastError(), lastMessageAt, processed.get(), rateLimited.get(),
                released.get(), duplicates.get(), inbox, failing, storeError, mqtt.probeAge(), registry.version(),
                registry.crl().number().longValue(), List.copyOf(forwarding), kafka, storeServer);
    }
}
