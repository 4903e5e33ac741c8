package org.rts.hardware.pi;

import com.pi4j.io.i2c.I2C;
import java.text.Normalizer;
import java.util.List;
import org.rts.hardware.Display;

/**
 * A 20x4 character LCD (HD44780) behind a PCF8574 I2C backpack, driven in 4-bit mode: each byte of the backpack
 * carries RS (bit 0), RW (bit 1), E (bit 2), the backlight (bit 3) and four data bits (bits 4..7). Its character
 * ROM holds ASCII only: accents are dropped (é shows as e) and Arabic cannot be shown ({@link #rightToLeft}).
 */
public final class Hd44780Lcd implements Display {
    static final int COLUMNS = 20;
    static final int ROWS = 4;
    static final int[] ROW_ADDRESS = {0x00, 0x40, 0x14, 0x54};
    static final int RS = 0x01;
    static final int ENABLE = 0x04;
    static final int BACKLIGHT = 0x08;

    private final I2C chip;
    private boolean ready;
    private List<String> shown;

    public Hd44780Lcd(I2C chip) {
        this.chip = chip;
    }

    @Override
    public int rows() {
        return ROWS;
    }

    @Override
    public boolean rightToLeft() {
        return false;
    }

    @Override
    public synchronized void show(List<String> lines) {
        if (lines.equals(shown)) {
            return; // the same text: the bus stays quiet
        }
        if (!ready) {
            init();
        }
        shown = List.copyOf(lines);
        for (int row = 0; row < ROWS; row++) {
            command(0x80 | ROW_ADDRESS[row]);
            String text = ascii(row < lines.size() ? lines.get(row) : "");
            for (int col = 0; col < COLUMNS; col++) {
                data(col < text.length() ? text.charAt(col) : ' ');
            }
        }
    }

    /** The controller's power-on sequence into 4-bit mode, two lines, display on, cursor off, cleared. */
    private void init() {
        nibble(0x30, 0);
        nibble(0x30, 0);
        nibble(0x30, 0);
        nibble(0x20, 0);
        command(0x28);
        command(0x0C);
        command(0x01);
        command(0x06);
        ready = true;
    }

    private void command(int value) {
        nibble(value & 0xF0, 0);
        nibble((value << 4) & 0xF0, 0);
    }

    private void data(int value) {
        nibble(value & 0xF0, RS);
        nibble((value << 4) & 0xF0, RS);
    }

    /** One nibble in the high bits, latched on E's falling edge. */
    private void nibble(int high, int rs) {
        chip.write((byte) (high | BACKLIGHT | ENABLE | rs));
        chip.write((byte) (high | BACKLIGHT | rs));
    }

    /** What the character ROM can show: accents dropped, anything else outside ASCII as '?'. */
    static String ascii(String text) {
        String plain = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        StringBuilder sb = new StringBuilder(plain.length());
        for (char c : plain.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return sb.toString();
    }
}
