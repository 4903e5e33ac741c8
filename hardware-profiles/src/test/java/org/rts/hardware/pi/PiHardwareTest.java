package org.rts.hardware.pi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rts.hardware.Button;
import org.rts.hardware.Hardware;
import org.rts.hardware.Indicator;
import org.rts.hardware.profile.ProfileFiles;

/** Each Pi profile built from Pi4J mocks: its parts are the right drivers on the right pins. */
class PiHardwareTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void each_pi_profile_builds_its_drivers_and_a_press_on_its_transmit_pin_arrives() throws Exception {
        for (String name : List.of("pi5-x1200-oled", "pi4-waveshare-lcd", "pizero2w-pisugar3-oled")) {
            Context pi4j = MockBoard.context();
            try (Hardware hw = PiHardware.open(ProfileFiles.load(name), pi4j, scheduler)) {
                List<Button> pressed = new java.util.concurrent.CopyOnWriteArrayList<>();
                hw.buttons().listen(pressed::add);
                MockDigitalInput transmit = (MockDigitalInput) pi4j.getIO("button-TRANSMIT", DigitalInput.class);
                // released long enough for the debouncer whatever the scheduler's pace, then pressed
                transmit.mockState(DigitalState.HIGH);
                for (int i = 0; i < GpioButtons.SAMPLES; i++) {
                    ((GpioButtons) hw.buttons()).sample();
                }
                transmit.mockState(DigitalState.LOW);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (pressed.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertEquals(List.of(Button.TRANSMIT), new ArrayList<>(pressed), name);
                hw.indicators().set(Indicator.PENDING, true);
                assertTrue(pi4j.getIO("led-PENDING", DigitalOutput.class).isHigh(), name);
                assertFalse(hw.battery().read().known(), name + ": no chip behind the mock answers");
                switch (name) {
                    case "pi4-waveshare-lcd" -> assertInstanceOf(Hd44780Lcd.class, hw.display());
                    default -> assertInstanceOf(Ssd1306Display.class, hw.display());
                }
            }
        }
    }
}
