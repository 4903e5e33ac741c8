package org.rts.protocol.message;

import java.time.Instant;
import org.rts.protocol.Ids;

/**
 * A unit's health, signed like every message but outside its chain of reports: it never takes a sequence number or
 * waits in the outbox, so it never delays a result. {@code session} is the unit's connection (as in its
 * {@link Presence} messages) and {@code n} counts telemetry within it, so a replayed one is seen. Figures the
 * hardware cannot give are null; none is range-checked here: the hub stores an impossible one and flags it.
 *
 * @param battery         percent, null when the gauge does not answer
 * @param volts           battery volts
 * @param mains           external power present
 * @param charging        battery charging
 * @param celsius         board temperature
 * @param load            one-minute load average
 * @param freeMemoryKb    memory available
 * @param freeDiskKb      space left where the outbox is
 * @param uptimeSeconds   since the unit booted
 * @param clockSynced     whether the system clock is synchronised (NTP)
 * @param signalDbm       wireless signal where the hardware reports it
 * @param pending         messages in the outbox without a final answer
 * @param oldestPendingSeconds age of the oldest of them
 * @param software        agent version
 * @param config          first characters of the SHA-256 of the unit's signed configuration
 * @param tamper          case open
 */
public record Telemetry(int v, String election, Mode mode, String device, String station, long session, long n,
                        Instant at, Double battery, Double volts, Boolean mains, Boolean charging, Double celsius,
                        Double load, Long freeMemoryKb, Long freeDiskKb, Long uptimeSeconds, Boolean clockSynced,
                        Integer signalDbm, int pending, Long oldestPendingSeconds, String software, String config,
                        boolean tamper) {
    public Telemetry {
        if (v != Report.VERSION) {
            throw new IllegalArgumentException("v must be " + Report.VERSION + ", found: " + v);
        }
        Ids.require("election", election);
        Ids.require("device", device);
        Ids.require("station", station);
        if (mode == null || at == null) {
            throw new IllegalArgumentException("mode and at are required");
        }
        if (session < 1 || n < 1) {
            throw new IllegalArgumentException("session and n must be >= 1, found: " + session + ", " + n);
        }
        if (pending < 0) {
            throw new IllegalArgumentException("pending must be >= 0, found: " + pending);
        }
    }
}
