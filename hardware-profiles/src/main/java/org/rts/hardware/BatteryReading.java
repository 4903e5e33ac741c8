package org.rts.hardware;

/**
 * One battery reading.
 *
 * @param percent      state of charge, 0..100
 * @param volts        pack voltage
 * @param externalPower whether mains or USB power is present
 */
public record BatteryReading(double percent, double volts, boolean externalPower) {
    public BatteryReading {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("battery percent must be 0..100, found: " + percent);
        }
        if (!(volts >= 0 && volts < 100)) {
            throw new IllegalArgumentException("battery volts must be 0..100, found: " + volts);
        }
    }
}
