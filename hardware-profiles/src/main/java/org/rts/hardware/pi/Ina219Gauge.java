package org.rts.hardware.pi;

import com.pi4j.io.i2c.I2C;
import org.rts.hardware.BatteryGauge;
import org.rts.hardware.BatteryReading;

/**
 * Waveshare UPS HAT: an INA219 current/voltage monitor (0x42 for the 2-cell pack, 0x43 for the 1-cell one). Bus
 * voltage register 0x02 holds the voltage in bits 15..3 at 4 mV a bit; with calibration 4096 written to 0x05 (0.1 Ω
 * shunt) the current register 0x04 counts 0.1 mA a bit, signed, positive while charging. The pack's charge is
 * estimated from its voltage between {@code emptyVolts} and {@code emptyVolts + spanVolts}.
 */
public final class Ina219Gauge implements BatteryGauge {
    static final int BUS_VOLTAGE = 0x02;
    static final int CURRENT = 0x04;
    static final int CALIBRATION = 0x05;
    static final int CALIBRATION_VALUE = 4096;

    private final I2C chip;
    private final double emptyVolts;
    private final double spanVolts;
    private boolean calibrated;

    /** {@code cells}: 2 for the UPS HAT's 2-cell pack (6.0..8.4 V), 1 for the 1-cell variant (3.0..4.2 V). */
    public Ina219Gauge(I2C chip, int cells) {
        if (cells != 1 && cells != 2) {
            throw new IllegalArgumentException("an INA219 UPS HAT has 1 or 2 cells, found: " + cells);
        }
        this.chip = chip;
        this.emptyVolts = 3.0 * cells;
        this.spanVolts = 1.2 * cells;
    }

    @Override
    public BatteryReading read() {
        try {
            if (!calibrated) {
                Registers.writeWord(chip, CALIBRATION, CALIBRATION_VALUE);
                calibrated = true;
            }
            double volts = (Registers.word(chip, BUS_VOLTAGE) >> 3) * 0.004;
            double milliamps = (short) Registers.word(chip, CURRENT) * 0.1;
            boolean charging = milliamps > 0;
            double percent = BatteryReading.clampPercent((volts - emptyVolts) / spanVolts * 100);
            return BatteryReading.of(percent, volts, charging, charging);
        } catch (RuntimeException e) {
            calibrated = false; // a chip that lost power forgets its calibration
            return BatteryReading.unknown("INA219 at 0x" + Integer.toHexString(chip.device()) + " does not answer ("
                    + Registers.describe(e) + ")");
        }
    }
}
