package org.rts.hardware;

/**
 * One battery reading, or an unknown one when the gauge did not answer (the unit goes on working; telemetry says
 * "unknown").
 *
 * @param known         whether the gauge answered; when false, {@code problem} says why and the figures are 0
 * @param percent       state of charge, 0..100
 * @param volts         pack or cell voltage as the gauge measures it
 * @param externalPower whether mains or USB power is present (null where the board cannot tell)
 * @param charging      whether the battery is charging (null where the board cannot tell)
 * @param problem       what failed, for an unknown reading
 */
public record BatteryReading(boolean known, double percent, double volts, Boolean externalPower, Boolean charging,
                             String problem) {
    public BatteryReading {
        if (known && !(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("battery percent must be 0..100, found: " + percent);
        }
        if (known && !(volts >= 0 && volts < 100)) {
            throw new IllegalArgumentException("battery volts must be 0..100, found: " + volts);
        }
    }

    public static BatteryReading of(double percent, double volts, Boolean externalPower, Boolean charging) {
        return new BatteryReading(true, percent, volts, externalPower, charging, null);
    }

    public static BatteryReading unknown(String problem) {
        return new BatteryReading(false, 0, 0, null, null, problem);
    }

    /** {@code value} kept within 0..100: gauges report a little over 100 % when full. */
    public static double clampPercent(double value) {
        return Math.max(0, Math.min(100, value));
    }
}
