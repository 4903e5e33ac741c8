package org.rts.agent.workflow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.i2c.I2C;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2C;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rts.hardware.Button;
import org.rts.hardware.Hardware;
import org.rts.hardware.pi.PiHardware;
import org.rts.hardware.profile.ProfileFiles;

/** The workflow on the Pi 5 + X1200 + OLED profile built from Pi4J's mocks: GPIO lights, the OLED over I2C. */
class OfficerFlowPiTest extends OfficerFlowContract {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private Context pi4j;

    @Override
    Hardware openHardware() {
        pi4j = Pi4J.newContextBuilder().add(MockDigitalInputProvider.newInstance(),
                MockDigitalOutputProvider.newInstance(), MockI2CProvider.newInstance()).build();
        return PiHardware.open(ProfileFiles.load("pi5-x1200-oled"), pi4j, scheduler);
    }

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void the_pending_led_lights_on_its_gpio_and_the_oled_is_drawn_over_i2c() {
        flow.pressed(Button.NEXT);
        flow.digit(9);
        flow.pressed(Button.NEXT);
        flow.pressed(Button.TRANSMIT);
        flow.pressed(Button.CONFIRM);
        assertTrue(pi4j.getIO("led-PENDING", DigitalOutput.class).isHigh(), "GPIO 19 high");
        MockI2C oled = (MockI2C) pi4j.getIO("display", I2C.class);
        byte[] buffer = new byte[64];
        assertTrue(oled.read(buffer, 0, buffer.length) > 0, "the OLED was written to");
    }
}
