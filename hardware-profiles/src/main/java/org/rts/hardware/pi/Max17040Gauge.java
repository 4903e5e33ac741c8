package org.rts.hardware.pi;

import com.pi4j.io.gpio.digital.DigitalInput;
import org.rts.hardware.BatteryGauge;
import org.rts.hardware.BatteryReading;

/**
 * Geekworm X728 / X1200: a MAX17040-family fuel gauge at 0x36. VCELL (0x02) is a 12-bit value in its upper bits at
 * 1.25 mV a bit; SOC (0x04) is the percentage in 1/256 %. Mains presence comes from a GPIO (high: mains present),
 * where the profile names one.
 */
public final class Max17040Gauge implements BatteryGauge {
    static final int VCELL = 0x02;
    static final int SOC = 0x04;

    private final com.pi4j.io.i2c.I2C chip;
    private final DigitalInput mains;

    /** {@code mains} may be null: the reading then cannot say whether power is present. */
    public Max17040Gauge(com.pi4j.io.i2c.I2C chip, DigitalInput mains) {
        this.chip = chip;
        this.mains = mains;
    }

    @Override
    public BatteryReading read() {
        try {
            double volts = (Registers.word(chip, VCELL) >> 4) * 0.00125;
            double percent = BatteryReading.clampPercent(Registers.word(chip, SOC) / 256.0);
            Boolean power = mains == null ? null : mains.isHigh();
            return BatteryReading.of(percent, volts, power, null);
        } catch (RuntimeException e) {
            return BatteryReading.unknown("MAX17040 at 0x" + Integer.toHexString(chip.device()) + " does not answer ("
                    + Registers.describe(e) + ")");
        }
    }
}
