package org.rts.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rts.hardware.simulated.SimulatedBattery;
import org.rts.hardware.simulated.SimulatedDisplay;

class HardwareProfilesTest {
    @Test
    void simulated_profile_draws_on_the_console_and_reports_its_battery() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hardware hw = HardwareProfiles.open("simulated", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        hw.display().show(List.of("ACCEPTED", "K7Q2-M9XD"));
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.contains("| K7Q2-M9XD |"), drawn);
        assertEquals(List.of("ACCEPTED", "K7Q2-M9XD"), ((SimulatedDisplay) hw.display()).shown());
        ((SimulatedBattery) hw.battery()).set(14.5, 6.3, false);
        assertEquals(new BatteryReading(14.5, 6.3, false), hw.battery().read());
    }

    @Test
    void unknown_profile_is_refused_with_the_known_names() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HardwareProfiles.open("waveshare-typo", System.out));
        assertTrue(e.getMessage().contains("simulated"), e.getMessage());
    }

    @Test
    void impossible_battery_reading_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> new BatteryReading(120, 8, true));
    }
}
