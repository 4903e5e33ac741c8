package org.rts.hub.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A unit's battery log from its telemetry: cycles, charges to full, and a capacity that falls. */
class BatteryLogTest {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    private static Instant at(double hours) {
        return T0.plusMillis((long) (hours * 3_600_000));
    }

    /** A day: off mains from 100 % down to {@code low} over {@code hours}, then charged back to full in 2 h. */
    private static BatteryLog day(BatteryLog log, double start, double low, double hours) {
        for (int i = 0; i <= 4; i++) {
            log = log.next(at(start + hours * i / 4), 100 - (100 - low) * i / 4, false, false);
        }
        log = log.next(at(start + hours + 0.1), low + 1, true, true);
        log = log.next(at(start + hours + 1), (low + 100) / 2, true, true);
        return log.next(at(start + hours + 2.1), 100.0, true, false);
    }

    @Test
    void a_discharge_and_a_charge_to_full_are_measured() {
        BatteryLog log = day(BatteryLog.NONE, 0, 40, 10);
        assertEquals(0.6, log.cycles(), 1e-9, "60 points drained");
        assertEquals(at(12.1), log.lastFull());
        assertEquals(Duration.ofMinutes(120), log.lastCharge(), "from the charge's start to full");
        assertEquals(41.0, log.lastChargeFrom());
        assertEquals(6.0, log.firstDrain(), 1e-9, "60 points in 10 h");
        assertEquals(6.0, log.lastDrain(), 1e-9);
        assertFalse(log.capacityFalling());
        assertNull(log.chargeSince(), "no charge under way once full");
    }

    @Test
    void a_battery_that_drains_faster_than_when_first_measured_is_flagged() {
        BatteryLog log = day(BatteryLog.NONE, 0, 40, 10);
        log = day(log, 24, 40, 9);
        assertFalse(log.capacityFalling(), "6.7 %/h against 6: within the margin");
        log = day(log, 48, 40, 6);
        assertEquals(10.0, log.lastDrain(), 1e-9);
        assertTrue(log.capacityFalling(), "10 %/h against 6 %/h");
        assertEquals(1.8, log.cycles(), 1e-9);
        assertEquals(log, BatteryLog.parse(log.json()), "kept as JSON and read back the same");
    }

    @Test
    void short_discharges_readings_without_charge_and_late_or_impossible_ones_change_nothing() {
        BatteryLog log = BatteryLog.NONE.next(at(0), 100.0, false, false).next(at(0.5), 97.0, false, false)
                .next(at(0.6), 97.5, true, true);
        assertNull(log.firstDrain(), "half an hour and 3 points: not a measure of the drain");
        assertSame(log, log.next(at(1), null, true, true), "no charge reported");
        assertSame(log, log.next(at(0.2), 50.0, false, false), "older than the last");
        assertSame(log, log.next(at(2), 140.0, false, false), "an impossible charge");
        assertEquals(BatteryLog.NONE, BatteryLog.parse("{not json"));
    }
}
