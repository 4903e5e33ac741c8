package org.rts.hardware.pi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.i2c.MockI2C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rts.hardware.BatteryReading;

/** Each gauge's conversions against the datasheets' worked values, through Pi4J's mock I2C. */
class GaugesTest {
    private final Context pi4j = MockBoard.context();

    @AfterEach
    void shutdown() {
        pi4j.shutdown();
    }

    @Test
    void ina219_bus_voltage_and_current_on_the_two_cell_ups_hat() {
        MockI2C chip = MockBoard.chip(pi4j, 0x42);
        MockBoard.word(chip, Ina219Gauge.BUS_VOLTAGE, 0x3E80); // bits 15..3 = 2000, x 4 mV = 8.000 V
        MockBoard.word(chip, Ina219Gauge.CURRENT, 0xFC18);     // -1000 x 0.1 mA = -100 mA: discharging
        BatteryReading r = new Ina219Gauge(chip, 2).read();
        assertEquals(8.000, r.volts(), 1e-9);
        assertEquals((8.0 - 6.0) / 2.4 * 100, r.percent(), 1e-9);
        assertEquals(Boolean.FALSE, r.charging());
        assertEquals(Ina219Gauge.CALIBRATION_VALUE, (chip.readRegister(Ina219Gauge.CALIBRATION) & 0xFF) << 8
                | (chip.readRegister(Ina219Gauge.CALIBRATION) & 0xFF), "calibration 4096 written to 0x05");
    }

    @Test
    void ina219_charging_full_pack_is_clamped_to_100_and_the_one_cell_variant_has_its_own_range() {
        MockI2C two = MockBoard.chip(pi4j, 0x42);
        MockBoard.word(two, Ina219Gauge.BUS_VOLTAGE, (2150 << 3) | 0x2); // 8.600 V, low flag bits ignored
        MockBoard.word(two, Ina219Gauge.CURRENT, 5000);                   // +500 mA: charging
        BatteryReading full = new Ina219Gauge(two, 2).read();
        assertEquals(8.6, full.volts(), 1e-9);
        assertEquals(100.0, full.percent());
        assertEquals(Boolean.TRUE, full.charging());
        MockI2C one = MockBoard.chip(pi4j, 0x43);
        MockBoard.word(one, Ina219Gauge.BUS_VOLTAGE, 900 << 3);           // 3.600 V
        MockBoard.word(one, Ina219Gauge.CURRENT, 0);
        assertEquals(50.0, new Ina219Gauge(one, 1).read().percent(), 1e-9);
    }

    @Test
    void max17040_cell_voltage_and_state_of_charge_with_mains_on_a_gpio() throws Exception {
        MockI2C chip = MockBoard.chip(pi4j, 0x36);
        MockBoard.word(chip, Max17040Gauge.VCELL, 0xD200); // 12-bit 3360 x 1.25 mV = 4.200 V
        MockBoard.word(chip, Max17040Gauge.SOC, 0x5A80);   // 0x5A + 0x80/256 = 90.5 %
        DigitalInput mains = pi4j.create(DigitalInput.newConfigBuilder(pi4j).id("mains").address(6).build());
        ((MockDigitalInput) mains).mockState(DigitalState.HIGH);
        BatteryReading r = new Max17040Gauge(chip, mains).read();
        assertEquals(4.2, r.volts(), 1e-9);
        assertEquals(90.5, r.percent(), 1e-9);
        assertEquals(Boolean.TRUE, r.externalPower());
        assertNull(r.charging(), "the gauge cannot tell");
        MockBoard.word(chip, Max17040Gauge.VCELL, 0xD700);
        MockBoard.word(chip, Max17040Gauge.SOC, 0x6480);   // 100.5 % when topped up: clamped
        assertEquals(100.0, new Max17040Gauge(chip, null).read().percent());
    }

    @Test
    void pisugar3_voltage_percent_power_and_temperature() {
        MockI2C chip = MockBoard.chip(pi4j, 0x57);
        chip.writeRegister(PiSugar3Gauge.VOLTAGE_HIGH, (byte) 0x0F);
        chip.writeRegister(PiSugar3Gauge.VOLTAGE_LOW, (byte) 0xD2); // 0x0FD2 = 4050 mV
        chip.writeRegister(PiSugar3Gauge.PERCENT, (byte) 75);
        chip.writeRegister(PiSugar3Gauge.STATUS, (byte) 0x80);      // bit 7: external power
        chip.writeRegister(PiSugar3Gauge.TEMPERATURE, (byte) 65);   // 65 - 40 = 25 °C
        PiSugar3Gauge gauge = new PiSugar3Gauge(chip);
        BatteryReading r = gauge.read();
        assertEquals(4.05, r.volts(), 1e-9);
        assertEquals(75.0, r.percent());
        assertEquals(Boolean.TRUE, r.externalPower());
        assertEquals(25, gauge.celsius());
        chip.writeRegister(PiSugar3Gauge.VOLTAGE_HIGH, (byte) 0x0E);
        chip.writeRegister(PiSugar3Gauge.VOLTAGE_LOW, (byte) 0x74); // 3700 mV
        chip.writeRegister(PiSugar3Gauge.PERCENT, (byte) 0xC8);     // 200: read unsigned, clamped to 100
        chip.writeRegister(PiSugar3Gauge.STATUS, (byte) 0x00);
        BatteryReading second = gauge.read();
        assertEquals(3.7, second.volts(), 1e-9);
        assertEquals(100.0, second.percent());
        assertEquals(Boolean.FALSE, second.externalPower());
    }

    @Test
    void a_gauge_that_does_not_answer_reads_unknown_and_names_the_chip() {
        BatteryReading ina = new Ina219Gauge(MockBoard.chip(pi4j, 0x42), 2).read();
        BatteryReading max = new Max17040Gauge(MockBoard.chip(pi4j, 0x36), null).read();
        BatteryReading sugar = new PiSugar3Gauge(MockBoard.chip(pi4j, 0x57)).read();
        for (BatteryReading r : new BatteryReading[] {ina, max, sugar}) {
            assertFalse(r.known());
            assertTrue(r.problem().contains("does not answer"), r.problem());
        }
        assertTrue(ina.problem().contains("INA219 at 0x42"));
        assertNull(new PiSugar3Gauge(MockBoard.chip(pi4j, 0x58)).celsius());
    }
}
