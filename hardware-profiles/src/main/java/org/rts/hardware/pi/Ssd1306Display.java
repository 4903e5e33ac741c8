package org.rts.hardware.pi;

import com.pi4j.io.i2c.I2C;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import org.rts.hardware.Display;
import org.rts.hardware.Fonts;

/**
 * A 128x64 SSD1306 OLED on I2C (usually 0x3C). Lines are drawn with the JDK's {@link TextLayout} in DejaVu Sans,
 * which shapes Arabic (joined letter forms) and orders it right to left; a right-to-left line is aligned right.
 * The picture goes to the panel as 8 pages of 128 column bytes (bit 0 the top row of the page).
 */
public final class Ssd1306Display implements Display {
    static final int WIDTH = 128;
    static final int HEIGHT = 64;
    static final int ROWS = 4;
    private static final int[] INIT = {0xAE, 0xD5, 0x80, 0xA8, 0x3F, 0xD3, 0x00, 0x40, 0x8D, 0x14, 0x20, 0x00, 0xA1,
        0xC8, 0xDA, 0x12, 0x81, 0xCF, 0xD9, 0xF1, 0xDB, 0x40, 0xA4, 0xA6, 0xAF};

    private final I2C chip;
    private final Font font;
    private boolean ready;
    private List<String> shown;

    public Ssd1306Display(I2C chip) {
        this.chip = chip;
        this.font = font(12f);
    }

    static Font font(float size) {
        return Fonts.dejaVuSans(size);
    }

    @Override
    public int rows() {
        return ROWS;
    }

    @Override
    public synchronized void show(List<String> lines) {
        if (lines.equals(shown)) {
            return; // the same picture: the bus stays quiet
        }
        if (!ready) {
            commands(INIT);
            ready = true;
        }
        shown = List.copyOf(lines);
        byte[] pages = pages(render(lines));
        commands(new int[] {0x21, 0, WIDTH - 1, 0x22, 0, HEIGHT / 8 - 1});
        byte[] chunk = new byte[17];
        chunk[0] = 0x40;
        for (int i = 0; i < pages.length; i += 16) {
            System.arraycopy(pages, i, chunk, 1, 16);
            chip.write(chunk, 0, chunk.length);
        }
    }

    /** The lines as a 1-bit picture, 16 pixels a line; right-to-left lines aligned right. */
    BufferedImage render(List<String> lines) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_BINARY);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.WHITE);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
            FontRenderContext frc = g.getFontRenderContext();
            for (int row = 0; row < Math.min(ROWS, lines.size()); row++) {
                String text = lines.get(row);
                if (text.isEmpty()) {
                    continue;
                }
                TextLayout layout = new TextLayout(text, font, frc);
                float x = layout.isLeftToRight() ? 0 : WIDTH - layout.getAdvance();
                layout.draw(g, x, row * 16 + 13);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Column bytes page by page: byte {@code page * 128 + x}, bit {@code b} = pixel (x, page * 8 + b). */
    static byte[] pages(BufferedImage image) {
        byte[] out = new byte[WIDTH * HEIGHT / 8];
        for (int page = 0; page < HEIGHT / 8; page++) {
            for (int x = 0; x < WIDTH; x++) {
                int b = 0;
                for (int bit = 0; bit < 8; bit++) {
                    if ((image.getRGB(x, page * 8 + bit) & 0xFFFFFF) != 0) {
                        b |= 1 << bit;
                    }
                }
                out[page * WIDTH + x] = (byte) b;
            }
        }
        return out;
    }

    private void commands(int[] values) {
        for (int v : values) {
            chip.write(new byte[] {0x00, (byte) v}, 0, 2);
        }
    }
}
