package org.rts.agent.telemetry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.rts.hardware.BatteryReading;
import org.rts.protocol.message.Telemetry;

/**
 * Decides when the unit publishes its health: every {@code interval}, and at once on a significant change (battery
 * crossing 20, 10 or 5 %, mains coming or going, the case opened or shut, the outbox filling or emptying), but never
 * more often than every {@link #MIN_GAP}, so a flapping figure cannot flood the broker. Telemetry goes at QoS 0
 * outside the outbox: it never delays a result.
 */
public final class TelemetryPublisher {
    static final Duration MIN_GAP = Duration.ofSeconds(5);
    private static final double[] BANDS = {5, 10, 20};

    /** Builds the next telemetry for a session and its number within it. */
    public interface Source {
        Telemetry collect(long session, long n, Instant at);
    }

    private final Source source;
    private final Function<Telemetry, Boolean> send;
    private final Clock clock;
    private final Duration interval;
    private long session;
    private long n;
    private Instant lastSent;
    private Telemetry last;

    /** {@code send} publishes one (false when offline: it is not counted as sent). */
    public TelemetryPublisher(Source source, Function<Telemetry, Boolean> send, Clock clock, Duration interval) {
        if (interval.compareTo(MIN_GAP) < 0) {
            throw new IllegalArgumentException("telemetry interval must be at least " + MIN_GAP.toSeconds()
                    + " s, found: " + interval.toSeconds() + " s");
        }
        this.source = source;
        this.send = send;
        this.clock = clock;
        this.interval = interval;
    }

    /** Called often (every second); publishes when due. {@code currentSession} 0: not connected yet. */
    public void tick(long currentSession) {
        if (currentSession <= 0) {
            return;
        }
        if (currentSession != session) {
            session = currentSession;
            n = 0;
            lastSent = null; // a new connection: say at once how the unit is
        }
        Instant now = clock.instant();
        if (lastSent != null && Duration.between(lastSent, now).compareTo(MIN_GAP) < 0) {
            return;
        }
        Telemetry next = source.collect(session, n + 1, now);
        boolean due = lastSent == null || Duration.between(lastSent, now).compareTo(interval) >= 0
                || significant(last, next);
        if (due && send.apply(next)) {
            n++;
            lastSent = now;
            last = next;
        }
    }

    static boolean significant(Telemetry before, Telemetry now) {
        if (before == null) {
            return true;
        }
        return band(before.battery()) != band(now.battery()) || !same(before.mains(), now.mains())
                || before.tamper() != now.tamper() || (before.pending() == 0) != (now.pending() == 0);
    }

    private static int band(Double percent) {
        if (percent == null) {
            return -1;
        }
        int b = 0;
        for (double edge : BANDS) {
            if (percent >= edge) {
                b++;
            }
        }
        return b;
    }

    private static boolean same(Boolean a, Boolean b) {
        return a == null ? b == null : a.equals(b);
    }

    /** The battery figures of a reading for telemetry: nulls when the gauge did not answer. */
    public static Double percent(BatteryReading r) {
        return r.known() ? r.percent() : null;
    }

    public static Double volts(BatteryReading r) {
        return r.known() ? r.volts() : null;
    }
}
