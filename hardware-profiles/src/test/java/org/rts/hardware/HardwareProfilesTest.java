package org.rts.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.rts.hardware.simulated.SimulatedBattery;
import org.rts.hardware.simulated.SimulatedButtons;
import org.rts.hardware.simulated.SimulatedDisplay;
import org.rts.hardware.simulated.SimulatedIndicators;
import org.rts.hardware.simulated.SimulatedKeys;

class HardwareProfilesTest {
    /** A clock a test moves. */
    static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-11-26T08:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void simulated_profile_draws_on_the_console_with_its_lights_and_keys_press_buttons() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hardware hw = HardwareProfiles.open("simulated", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        hw.indicators().set(Indicator.PENDING, true);
        hw.display().show(List.of("ACCEPTED", "K7Q2-M9XD"));
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.contains("| K7Q2-M9XD "), drawn);
        assertTrue(drawn.contains("[PENDING]"), drawn);
        assertEquals(List.of("ACCEPTED", "K7Q2-M9XD"), ((SimulatedDisplay) hw.display()).shown());
        assertTrue(((SimulatedIndicators) hw.indicators()).isOn(Indicator.PENDING));
        AtomicReference<String> got = new AtomicReference<>("");
        hw.buttons().listen(new Buttons.Listener() {
            @Override
            public void pressed(Button button) {
                got.set(got.get() + button + " ");
            }

            @Override
            public void digit(int digit) {
                got.set(got.get() + digit + " ");
            }
        });
        SimulatedKeys keys = new SimulatedKeys((SimulatedButtons) hw.buttons());
        for (char c : "4t?c\n".toCharArray()) {
            keys.type(c);
        }
        assertEquals("4 TRANSMIT CONFIRM NEXT ", got.get());
    }

    @Test
    void the_simulated_battery_drains_on_battery_charges_on_mains_and_can_fail() {
        TestClock clock = new TestClock();
        SimulatedBattery battery = new SimulatedBattery(clock, 80, false, 5, 20);
        clock.advance(Duration.ofHours(2));
        assertEquals(70.0, battery.read().percent(), 1e-9);
        assertEquals(3.0 + 1.2 * 0.7, battery.read().volts(), 1e-9);
        battery.set(10, true);
        clock.advance(Duration.ofMinutes(30));
        assertEquals(20.0, battery.read().percent(), 1e-9);
        assertEquals(Boolean.TRUE, battery.read().charging());
        battery.set(3, false);
        clock.advance(Duration.ofHours(10));
        assertEquals(0.0, battery.read().percent(), "never below empty");
        battery.fail("gauge unplugged");
        assertFalse(battery.read().known());
    }

    @Test
    void unknown_profile_is_refused_with_the_known_names() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HardwareProfiles.open("waveshare-typo", System.out));
        assertTrue(e.getMessage().contains("simulated"), e.getMessage());
    }

    @Test
    void impossible_battery_reading_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> BatteryReading.of(120, 8, true, null));
        assertThrows(IllegalArgumentException.class, () -> BatteryReading.of(50, -1, true, null));
    }
}
