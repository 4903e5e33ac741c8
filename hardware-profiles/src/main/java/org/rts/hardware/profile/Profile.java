package org.rts.hardware.profile;

import java.util.Map;
import org.rts.hardware.Button;
import org.rts.hardware.Indicator;

/**
 * One supported build of the unit, read from its profile file: the board, and each part with its GPIO pin (BCM
 * numbering) or I2C bus and address. Null where the build has no such part.
 */
public record Profile(String name, String board, Part display, Part battery, Map<Button, Integer> buttons,
                      Map<Indicator, Integer> indicators, Integer buzzer, Integer tamper, Integer mains,
                      PrinterPart printer, CameraPart camera) {
    public Profile {
        buttons = Map.copyOf(buttons);
        indicators = Map.copyOf(indicators);
    }

    /** A part on I2C, or a part with no bus ({@code bus} and {@code address} -1: terminal, simulated). */
    public record Part(String kind, int bus, int address) {
    }

    /**
     * A receipt printer: {@code escpos} on a character device ({@code /dev/usb/lp0} through the kernel's usblp
     * driver, or a serial port set up at boot), or {@code png} (the simulated profile: files, {@code device} null).
     */
    public record PrinterPart(String kind, String device) {
    }

    /**
     * The camera that photographs the signed form: {@code rpicam} (a Raspberry Pi camera), {@code uvc} on a V4L2
     * device ({@code /dev/video0}), or {@code simulated}; {@code device} null but for {@code uvc}.
     */
    public record CameraPart(String kind, String device) {
    }

    public boolean simulated() {
        return board.equals("simulated");
    }
}
