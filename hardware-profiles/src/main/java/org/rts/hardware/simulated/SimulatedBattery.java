package org.rts.hardware.simulated;

import org.rts.hardware.BatteryGauge;
import org.rts.hardware.BatteryReading;

/** A battery whose reading tests and demos set. */
public final class SimulatedBattery implements BatteryGauge {
    private volatile BatteryReading reading;

    public SimulatedBattery(double percent, double volts, boolean externalPower) {
        this.reading = new BatteryReading(percent, volts, externalPower);
    }

    public void set(double percent, double volts, boolean externalPower) {
        reading = new BatteryReading(percent, volts, externalPower);
    }

    @Override
    public BatteryReading read() {
        return reading;
    }
}
