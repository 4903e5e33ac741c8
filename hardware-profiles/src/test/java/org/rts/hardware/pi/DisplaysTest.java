package org.rts.hardware.pi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.plugin.mock.provider.i2c.MockI2C;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The character LCD and the OLED, reading back what the drivers wrote to mock I2C. */
class DisplaysTest {
    private final Context pi4j = MockBoard.context();

    @AfterEach
    void shutdown() {
        pi4j.shutdown();
    }

    /** All bytes written to a chip outside registers, in order. */
    private static byte[] written(MockI2C chip) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = chip.read(buffer, 0, buffer.length)) > 0) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** Decodes PCF8574 nibble pairs back into (rs, byte) for each latched byte. */
    private static List<int[]> decode(byte[] raw) {
        List<Integer> nibbles = new ArrayList<>();
        List<Integer> rs = new ArrayList<>();
        for (int i = 0; i + 1 < raw.length; i += 2) {
            int high = raw[i] & 0xFF;
            int low = raw[i + 1] & 0xFF;
            assertTrue((high & Hd44780Lcd.ENABLE) != 0 && (low & Hd44780Lcd.ENABLE) == 0, "E pulses high then low");
            assertTrue((high & Hd44780Lcd.BACKLIGHT) != 0, "backlight stays on");
            nibbles.add(high & 0xF0);
            rs.add(high & Hd44780Lcd.RS);
        }
        List<int[]> bytes = new ArrayList<>();
        // the first four nibbles are the 8-bit to 4-bit switch
        for (int i = 4; i + 1 < nibbles.size(); i += 2) {
            bytes.add(new int[] {rs.get(i), nibbles.get(i) | (nibbles.get(i + 1) >> 4)});
        }
        return bytes;
    }

    @Test
    void the_lcd_writes_each_row_at_its_address_in_ascii() {
        MockI2C chip = MockBoard.chip(pi4j, 0x27);
        Hd44780Lcd lcd = new Hd44780Lcd(chip);
        lcd.show(List.of("Reçu: K7Q2-M9XD", "Station S-0001"));
        List<int[]> bytes = decode(written(chip));
        assertEquals(List.of(0x28, 0x0C, 0x01, 0x06), bytes.subList(0, 4).stream().map(b -> b[1]).toList(),
                "4-bit, 2 lines; display on; clear; entry mode");
        int[] rowAddresses = bytes.stream().filter(b -> b[0] == 0 && (b[1] & 0x80) != 0).mapToInt(b -> b[1] & 0x7F)
                .toArray();
        assertEquals(List.of(0x00, 0x40, 0x14, 0x54), java.util.Arrays.stream(rowAddresses).boxed().toList());
        StringBuilder text = new StringBuilder();
        bytes.stream().filter(b -> b[0] == 1).forEach(b -> text.append((char) b[1]));
        assertEquals(80, text.length(), "4 rows of 20");
        assertEquals("Recu: K7Q2-M9XD     ", text.substring(0, 20), "accents dropped, row padded");
        assertEquals("Station S-0001      ", text.substring(20, 40));
        assertFalse(lcd.rightToLeft());
        lcd.show(List.of("Reçu: K7Q2-M9XD", "Station S-0001"));
        assertEquals(0, written(chip).length, "the same text again is not sent again");
        assertEquals("?", Hd44780Lcd.ascii("م"));
    }

    @Test
    void the_oled_draws_arabic_shaped_and_aligned_right_and_sends_eight_pages() {
        MockI2C chip = MockBoard.chip(pi4j, 0x3C);
        Ssd1306Display oled = new Ssd1306Display(chip);
        BufferedImage arabic = oled.render(List.of("تم الاستلام"));
        int[] ink = inkColumns(arabic);
        assertTrue(ink[0] > 30 && ink[1] >= 120, "right-aligned: ink from column " + ink[0] + " to " + ink[1]);
        BufferedImage latin = oled.render(List.of("ACCEPTED"));
        int[] latinInk = inkColumns(latin);
        assertTrue(latinInk[0] < 3 && latinInk[1] < 100, "left-aligned: " + latinInk[0] + ".." + latinInk[1]);

        oled.show(List.of("تم الاستلام", "K7Q2-M9XD"));
        byte[] raw = written(chip);
        int commands = 25 + 6;
        assertEquals(commands * 2 + 64 * 17, raw.length, "init, window, then 64 chunks of 16 column bytes");
        for (int i = 0; i < commands; i++) {
            assertEquals(0x00, raw[i * 2], "a command byte");
        }
        byte[] pages = Ssd1306Display.pages(oled.render(List.of("تم الاستلام", "K7Q2-M9XD")));
        for (int chunk = 0; chunk < 64; chunk++) {
            int at = commands * 2 + chunk * 17;
            assertEquals(0x40, raw[at], "a data chunk");
            for (int j = 0; j < 16; j++) {
                assertEquals(pages[chunk * 16 + j], raw[at + 1 + j]);
            }
        }
    }

    @Test
    void the_oled_font_joins_arabic_letters() {
        Font font = Ssd1306Display.font(12f);
        assertTrue(font.canDisplayUpTo("تم الاستلام") < 0, "the font has Arabic: " + font.getFontName());
        FontRenderContext frc = new FontRenderContext(null, false, false);
        char[] beh = "ب".toCharArray();
        char[] twoBeh = "بب".toCharArray();
        GlyphVector isolated = font.layoutGlyphVector(frc, beh, 0, 1, Font.LAYOUT_RIGHT_TO_LEFT);
        GlyphVector joined = font.layoutGlyphVector(frc, twoBeh, 0, 2, Font.LAYOUT_RIGHT_TO_LEFT);
        assertNotEquals(isolated.getGlyphCode(0), joined.getGlyphCode(0), "initial or final form, not isolated");
        assertNotEquals(joined.getGlyphCode(0), joined.getGlyphCode(1), "initial and final forms differ");
    }

    private static int[] inkColumns(BufferedImage image) {
        int first = -1;
        int last = -1;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) != 0) {
                    first = first < 0 ? x : first;
                    last = x;
                    break;
                }
            }
        }
        return new int[] {first, last};
    }
}
