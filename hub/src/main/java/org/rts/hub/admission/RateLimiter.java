package org.rts.hub.admission;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per device: {@code burst} messages at once, then {@code perSecond} a second. Checked before a
 * message costs anything (no signature, no disk), so one unit flooding the hub spends its own allowance only and
 * never delays another unit's message. A genuine unit over its allowance loses nothing: it keeps the message and
 * sends it again. Thread-safe.
 */
public final class RateLimiter {
    private final double burst;
    private final double perNano;
    private final LongSupplier nanos;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;
        long refused;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    /** {@code nanos} is the time source ({@code System::nanoTime}; a test passes its own). */
    public RateLimiter(int burst, double perSecond, LongSupplier nanos) {
        if (burst < 1 || !(perSecond > 0)) {
            throw new IllegalArgumentException("rate limit needs burst >= 1 and perSecond > 0, found: " + burst
                    + ", " + perSecond);
        }
        this.burst = burst;
        this.perNano = perSecond / 1e9;
        this.nanos = nanos;
    }

    /** Takes one token for {@code device}; false when its allowance is spent. */
    public boolean tryAcquire(String device) {
        long now = nanos.getAsLong();
        Bucket b = buckets.computeIfAbsent(device, d -> new Bucket(burst, now));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.at) * perNano);
            b.at = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            b.refused++;
            return false;
        }
    }

    /**
     * Devices with messages refused since the last call, with their counts; then forgets devices whose bucket has
     * filled up again, so the table holds only recent senders.
     */
    public java.util.Map<String, Long> sweep() {
        long now = nanos.getAsLong();
        java.util.Map<String, Long> refused = new java.util.TreeMap<>();
        buckets.entrySet().removeIf(e -> {
            Bucket b = e.getValue();
            synchronized (b) {
                if (b.refused > 0) {
                    refused.put(e.getKey(), b.refused);
                    b.refused = 0;
                    return false;
                }
                return b.tokens + (now - b.at) * perNano >= burst;
            }
        });
        return refused;
    }
}
