package org.rts.hardware.simulated;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.rts.hardware.BatteryGauge;
import org.rts.hardware.BatteryReading;

/**
 * A one-cell battery that drains at {@code drainPerHour} percent an hour on battery and charges at
 * {@code chargePerHour} on mains, from what {@link #set} last said; {@link #fail} makes it stop answering, as a
 * gauge can. Volts follow the charge linearly (3.0 V empty, 4.2 V full).
 */
public final class SimulatedBattery implements BatteryGauge {
    private final Clock clock;
    private final double drainPerHour;
    private final double chargePerHour;
    private double percent;
    private boolean mains;
    private Instant since;
    private String failure;

    public SimulatedBattery(Clock clock, double percent, boolean mains, double drainPerHour, double chargePerHour) {
        this.clock = clock;
        this.drainPerHour = drainPerHour;
        this.chargePerHour = chargePerHour;
        set(percent, mains);
    }

    /** The charge now and whether mains is present; the battery drains or charges from here. */
    public synchronized void set(double percent, boolean mains) {
        this.percent = BatteryReading.clampPercent(percent);
        this.mains = mains;
        this.since = clock.instant();
        this.failure = null;
    }

    /** From now on the gauge does not answer (null: it answers again). */
    public synchronized void fail(String problem) {
        this.failure = problem;
    }

    @Override
    public synchronized BatteryReading read() {
        if (failure != null) {
            return BatteryReading.unknown(failure);
        }
        double hours = Duration.between(since, clock.instant()).toMillis() / 3_600_000.0;
        double now = BatteryReading.clampPercent(mains ? percent + chargePerHour * hours : percent - drainPerHour * hours);
        return BatteryReading.of(now, 3.0 + 1.2 * now / 100, mains, mains && now < 100);
    }
}
