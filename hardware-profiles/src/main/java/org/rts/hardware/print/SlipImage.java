package org.rts.hardware.print;

import io.nayuki.qrcodegen.DataTooLongException;
import io.nayuki.qrcodegen.QrCode;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.LineBreakMeasurer;
import java.awt.font.TextAttribute;
import java.awt.font.TextLayout;
import java.awt.image.BufferedImage;
import java.text.AttributedString;
import java.util.ArrayList;
import java.util.List;
import org.rts.hardware.Fonts;
import org.rts.hardware.Slip;

/**
 * A slip drawn in black dots at the printer's width: its lines in DejaVu Sans (Arabic shaped; a line whose first
 * strong character is right to left is aligned right; a long line wraps), then its QR codes centred one under the
 * other (labelled "i / n" when there are several), each module a whole number of dots with the standard
 * four-module quiet zone.
 */
public final class SlipImage {
    /** A 58 mm thermal printer at 203 dpi prints 384 dots across (48 mm of paper). */
    public static final int DOTS_58MM = 384;
    /** Dots per module of the QR code at the least: 3 dots at 203 dpi is 0.375 mm, what a phone resolves. */
    static final int MIN_MODULE_DOTS = 3;
    private static final int MARGIN = 8;
    private static final float FONT_SIZE = 22f;

    private SlipImage() {
    }

    /** The QR code a slip carries: medium error correction, raised where the size allows. */
    public static QrCode qr(String text) {
        return QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
    }

    /**
     * Draws {@code slip} {@code width} dots wide, its codes one under the other with the same module. Throws when a
     * code cannot be printed with modules of {@link #MIN_MODULE_DOTS} at that width (a message or part too large
     * for one code).
     */
    public static BufferedImage draw(Slip slip, int width) {
        List<QrCode> codes = new ArrayList<>();
        int module = Integer.MAX_VALUE;
        for (String text : slip.codes()) {
            QrCode qr;
            try {
                qr = qr(text);
            } catch (DataTooLongException e) {
                throw new IllegalArgumentException("the signed message (" + text.length() + " characters) does not "
                        + "fit one QR code, nor then one that a phone can read on a " + width + "-dot slip", e);
            }
            if (width / (qr.size + 8) < MIN_MODULE_DOTS) {
                throw new IllegalArgumentException("the signed message (" + text.length() + " characters, QR version "
                        + qr.version + ") does not fit one QR code that a phone can read on a " + width + "-dot slip");
            }
            codes.add(qr);
            module = Math.min(module, width / (qr.size + 8));
        }
        Font font = Fonts.dejaVuSans(FONT_SIZE);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_BINARY);
        Graphics2D pg = probe.createGraphics();
        FontRenderContext frc = pg.getFontRenderContext();
        pg.dispose();
        List<TextLayout> layouts = new ArrayList<>();
        for (String line : slip.lines()) {
            layouts.addAll(wrap(line, font, frc, width - 2 * MARGIN));
        }
        int lineHeight = Math.round(FONT_SIZE * 1.35f);
        int height = MARGIN + layouts.size() * lineHeight + MARGIN;
        for (QrCode qr : codes) {
            height += (codes.size() > 1 ? lineHeight : 0) + (qr.size + 8) * module;
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
            int y = MARGIN;
            for (TextLayout layout : layouts) {
                float x = layout.isLeftToRight() ? MARGIN : width - MARGIN - layout.getAdvance();
                layout.draw(g, x, y + layout.getAscent());
                y += lineHeight;
            }
            for (int i = 0; i < codes.size(); i++) {
                QrCode qr = codes.get(i);
                if (codes.size() > 1) {
                    TextLayout label = new TextLayout((i + 1) + " / " + codes.size(), font, frc);
                    label.draw(g, (width - label.getAdvance()) / 2, y + label.getAscent());
                    y += lineHeight;
                }
                int qrDots = (qr.size + 8) * module;
                int left = (width - qrDots) / 2 + 4 * module;
                int top = y + 4 * module;
                for (int row = 0; row < qr.size; row++) {
                    for (int col = 0; col < qr.size; col++) {
                        if (qr.getModule(col, row)) {
                            g.fillRect(left + col * module, top + row * module, module, module);
                        }
                    }
                }
                y += qrDots;
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static List<TextLayout> wrap(String line, Font font, FontRenderContext frc, int width) {
        if (line.isEmpty()) {
            return List.of(new TextLayout(" ", font, frc));
        }
        AttributedString text = new AttributedString(line);
        text.addAttribute(TextAttribute.FONT, font);
        LineBreakMeasurer measurer = new LineBreakMeasurer(text.getIterator(), frc);
        List<TextLayout> parts = new ArrayList<>();
        while (measurer.getPosition() < line.length()) {
            parts.add(measurer.nextLayout(width));
        }
        return parts;
    }
}
