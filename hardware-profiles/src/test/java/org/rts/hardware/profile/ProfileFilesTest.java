package org.rts.hardware.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hardware.Button;
import org.rts.hardware.Indicator;

/** Profiles are data: every built-in one loads; a wrong line is refused naming its file and number. */
class ProfileFilesTest {
    @TempDir
    Path dir;

    @Test
    void every_built_in_profile_loads() {
        for (String name : ProfileFiles.BUILT_IN) {
            Profile p = ProfileFiles.load(name);
            assertEquals(name, p.name());
        }
        Profile pi5 = ProfileFiles.load("pi5-x1200-oled");
        assertEquals(new Profile.Part("ssd1306", 1, 0x3c), pi5.display());
        assertEquals(new Profile.Part("max17040", 1, 0x36), pi5.battery());
        assertEquals(17, pi5.buttons().get(Button.TRANSMIT));
        assertEquals(19, pi5.indicators().get(Indicator.PENDING));
        assertEquals(6, pi5.mains());
        assertEquals("ina219-2cell", ProfileFiles.load("pi4-waveshare-lcd").battery().kind());
        assertEquals("pisugar3", ProfileFiles.load("pizero2w-pisugar3-oled").battery().kind());
        assertTrue(ProfileFiles.load("simulated").simulated());
        assertEquals(new Profile.PrinterPart("escpos", "/dev/usb/lp0"), pi5.printer());
        assertEquals(new Profile.PrinterPart("png", null), ProfileFiles.load("simulated").printer());
        assertEquals(null, ProfileFiles.load("pizero2w-pisugar3-oled").printer());
        assertEquals(new Profile.CameraPart("simulated", null), ProfileFiles.load("simulated").camera());
    }

    @Test
    void a_camera_line_names_the_pi_camera_a_usb_camera_or_the_simulated_one() throws Exception {
        String pi = "board = pi5";
        String display = "display = ssd1306 1 0x3c";
        String typo = refused(pi, display, "camera = picam");
        assertTrue(typo.endsWith("custom.profile:3: camera must be 'rpicam' (a Raspberry Pi camera), 'uvc "
                + "/dev/videoN' (a USB camera) or 'simulated', found: picam"), typo);
        String simulated = refused(pi, display, "battery = max17040 1 0x36", "button.transmit = gpio 17",
                "button.confirm = gpio 27", "button.cancel = gpio 22", "button.next = gpio 25", "camera = simulated");
        assertTrue(simulated.endsWith("camera = simulated is for the simulated board only; a board names "
                + "'camera = rpicam' or 'camera = uvc /dev/video0'"), simulated);
        Path file = dir.resolve("usb.profile");
        Files.write(file, List.of(pi, display, "battery = max17040 1 0x36", "button.transmit = gpio 17",
                "button.confirm = gpio 27", "button.cancel = gpio 22", "button.next = gpio 25",
                "camera = uvc /dev/video0"));
        assertEquals(new Profile.CameraPart("uvc", "/dev/video0"), ProfileFiles.load(file.toString()).camera());
    }

    @Test
    void a_printer_line_names_an_escpos_device_or_png_on_the_simulated_board() throws Exception {
        String pi = "board = pi5";
        String display = "display = ssd1306 1 0x3c";
        String noDevice = refused(pi, display, "printer = escpos");
        assertTrue(noDevice.endsWith("custom.profile:3: printer must be 'escpos /dev/...' (a 58 mm ESC/POS printer "
                + "on USB or serial) or 'png' (simulated), found: escpos"), noDevice);
        String notDev = refused(pi, display, "printer = escpos lp0");
        assertTrue(notDev.contains("custom.profile:3:"), notDev);
        String png = refused(pi, display, "battery = max17040 1 0x36", "button.transmit = gpio 17", "button.confirm = gpio 27",
                "button.cancel = gpio 22", "button.next = gpio 25", "printer = png");
        assertTrue(png.endsWith("printer = png is for the simulated board only; a board prints with "
                + "'printer = escpos /dev/usb/lp0'"), png);
    }

    private String refused(String... lines) throws Exception {
        Path file = dir.resolve("custom.profile");
        Files.write(file, List.of(lines));
        return assertThrows(ProfileException.class, () -> ProfileFiles.load(file.toString())).getMessage();
    }

    @Test
    void an_unknown_part_a_pin_used_twice_or_an_impossible_address_names_file_and_line() throws Exception {
        String unknown = refused("board = pi5", "display = st7735 1 0x3c");
        assertTrue(unknown.endsWith("custom.profile:2: unknown display part 'st7735'; known: " + unknown
                .substring(unknown.indexOf('['))), unknown);
        String twice = refused("board = pi5", "display = ssd1306 1 0x3c", "battery = max17040 1 0x36",
                "button.transmit = gpio 17", "# a comment", "led.pending = gpio 17");
        assertTrue(twice.contains("custom.profile:6: GPIO 17 is already used by button.transmit (line 4)"), twice);
        String address = refused("board = pi5", "display = ssd1306 1 0x80");
        assertTrue(address.contains("custom.profile:2: I2C address must be 0x08..0x77"), address);
        String clash = refused("board = pi5", "display = ssd1306 1 0x36", "battery = max17040 1 0x36");
        assertTrue(clash.contains(":3: I2C bus 1 address 0x36 is already used by display (line 2)"), clash);
        assertTrue(refused("board = pi5", "led.purple = gpio 5").contains(":2: unknown led 'purple'"));
        assertTrue(refused("board = pi5", "button.transmit = gpio 40").contains(":2: GPIO must be 0..27"));
        assertTrue(refused("board = pi5", "button.transmit = pin 4").contains(":2: button.transmit must be 'gpio N'"));
        assertTrue(refused("board = pi6").contains(":1: unknown board 'pi6'"));
        assertTrue(refused("board = pi5", "board = pi4").contains(":2: board is given twice (first on line 1)"));
        assertTrue(refused("board = pi5", "colour = blue").contains(":2: unknown key 'colour'"));
        assertTrue(refused("board = pi5", "display = ssd1306 1 0x3c", "battery = pisugar3 1 0x57")
                .contains("button.transmit is required"));
        assertTrue(refused("board = pi5", "display ssd1306").contains(":2: expected 'key = value'"));
    }

    @Test
    void a_name_that_is_neither_built_in_nor_a_file_lists_the_built_in_ones() {
        String e = assertThrows(ProfileException.class, () -> ProfileFiles.load("pi5-typo")).getMessage();
        assertTrue(e.contains("pi5-x1200-oled") && e.contains("simulated"), e);
    }
}
