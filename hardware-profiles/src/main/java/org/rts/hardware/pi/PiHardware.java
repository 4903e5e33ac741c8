package org.rts.hardware.pi;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.io.i2c.I2C;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.rts.hardware.BatteryGauge;
import org.rts.hardware.Button;
import org.rts.hardware.Camera;
import org.rts.hardware.Display;
import org.rts.hardware.Hardware;
import org.rts.hardware.Indicator;
import org.rts.hardware.Printer;
import org.rts.hardware.Tamper;
import org.rts.hardware.camera.CommandCamera;
import org.rts.hardware.print.EscPosPrinter;
import org.rts.hardware.profile.Profile;

/**
 * Builds a Pi profile's devices in a Pi4J context: on the unit the gpiod and linuxfs plugins, in tests the mock
 * plugin. The only place that knows which driver serves which part.
 */
public final class PiHardware {
    private PiHardware() {
    }

    /** The profile's devices on this board, in a Pi4J context of the plugins found on it. */
    public static Hardware open(Profile profile, ScheduledExecutorService scheduler) {
        return open(profile, com.pi4j.Pi4J.newAutoContext(), scheduler);
    }

    /** The profile's devices; closing the result shuts {@code pi4j} down. */
    public static Hardware open(Profile profile, Context pi4j, ScheduledExecutorService scheduler) {
        Display display = switch (profile.display().kind()) {
            case "ssd1306" -> new Ssd1306Display(i2c(pi4j, "display", profile.display()));
            case "hd44780-pcf8574" -> new Hd44780Lcd(i2c(pi4j, "display", profile.display()));
            default -> throw new IllegalArgumentException("a Pi profile cannot use display " + profile.display().kind());
        };
        DigitalInput mains = profile.mains() == null ? null : input(pi4j, "mains", profile.mains(), PullResistance.OFF);
        BatteryGauge battery = switch (profile.battery().kind()) {
            case "max17040" -> new Max17040Gauge(i2c(pi4j, "battery", profile.battery()), mains);
            case "ina219-2cell" -> new Ina219Gauge(i2c(pi4j, "battery", profile.battery()), 2);
            case "ina219-1cell" -> new Ina219Gauge(i2c(pi4j, "battery", profile.battery()), 1);
            case "pisugar3" -> new PiSugar3Gauge(i2c(pi4j, "battery", profile.battery()));
            default -> throw new IllegalArgumentException("a Pi profile cannot use battery " + profile.battery().kind());
        };
        Map<Button, DigitalInput> buttons = new EnumMap<>(Button.class);
        profile.buttons().forEach((b, pin) -> buttons.put(b, input(pi4j, "button-" + b, pin, PullResistance.PULL_UP)));
        Map<Indicator, DigitalOutput> leds = new EnumMap<>(Indicator.class);
        profile.indicators().forEach((i, pin) -> leds.put(i, output(pi4j, "led-" + i, pin)));
        DigitalOutput buzzer = profile.buzzer() == null ? null : output(pi4j, "buzzer", profile.buzzer());
        Tamper tamper = profile.tamper() == null ? () -> false
                : new GpioTamper(input(pi4j, "tamper", profile.tamper(), PullResistance.PULL_UP));
        Printer printer = profile.printer() == null ? null : new EscPosPrinter(Path.of(profile.printer().device()));
        Camera camera = profile.camera() == null ? null : profile.camera().kind().equals("rpicam")
                ? CommandCamera.rpicam() : CommandCamera.uvc(profile.camera().device());
        return new Hardware(profile.name(), display, battery, new GpioButtons(buttons).start(scheduler),
                new GpioIndicators(leds, buzzer, scheduler), tamper, printer, camera, pi4j::shutdown);
    }

    private static I2C i2c(Context pi4j, String id, Profile.Part part) {
        return pi4j.create(I2C.newConfigBuilder(pi4j).id(id).bus(part.bus()).device(part.address()).build());
    }

    private static DigitalInput input(Context pi4j, String id, int pin, PullResistance pull) {
        return pi4j.create(DigitalInput.newConfigBuilder(pi4j).id(id).address(pin).pull(pull).build());
    }

    private static DigitalOutput output(Context pi4j, String id, int pin) {
        return pi4j.create(DigitalOutput.newConfigBuilder(pi4j).id(id).address(pin).initial(DigitalState.LOW)
                .shutdown(DigitalState.LOW).build());
    }
}
