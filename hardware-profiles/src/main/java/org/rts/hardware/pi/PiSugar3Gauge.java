package org.rts.hardware.pi;

import com.pi4j.io.i2c.I2C;
import org.rts.hardware.BatteryGauge;
import org.rts.hardware.BatteryReading;

/**
 * PiSugar 3 at 0x57: voltage in mV from registers 0x22 (high) and 0x23 (low), percent in 0x2A, external power in
 * bit 7 of 0x02, temperature in 0x04 (°C + 40).
 */
public final class PiSugar3Gauge implements BatteryGauge {
    static final int STATUS = 0x02;
    static final int TEMPERATURE = 0x04;
    static final int VOLTAGE_HIGH = 0x22;
    static final int VOLTAGE_LOW = 0x23;
    static final int PERCENT = 0x2A;

    private final I2C chip;

    public PiSugar3Gauge(I2C chip) {
        this.chip = chip;
    }

    @Override
    public BatteryReading read() {
        try {
            int millivolts = (Registers.unsignedByte(chip, VOLTAGE_HIGH) << 8) | Registers.unsignedByte(chip, VOLTAGE_LOW);
            double percent = BatteryReading.clampPercent(Registers.unsignedByte(chip, PERCENT));
            boolean power = (Registers.unsignedByte(chip, STATUS) & 0x80) != 0;
            return BatteryReading.of(percent, millivolts / 1000.0, power, null);
        } catch (RuntimeException e) {
            return BatteryReading.unknown("PiSugar 3 at 0x" + Integer.toHexString(chip.device()) + " does not answer ("
                    + Registers.describe(e) + ")");
        }
    }

    /** The board's temperature in °C, or null when it does not answer. */
    public Integer celsius() {
        try {
            return Registers.unsignedByte(chip, TEMPERATURE) - 40;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
