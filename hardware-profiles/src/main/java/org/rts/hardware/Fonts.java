package org.rts.hardware;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The font the unit draws with: it shapes Arabic, which the JDK's logical fonts do not do on a bare board. */
public final class Fonts {
    static final Path DEJAVU = Path.of("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");

    private Fonts() {
    }

    /** DejaVu Sans from the system (package fonts-dejavu-core), else the JDK's sans serif. */
    public static Font dejaVuSans(float size) {
        if (Files.isReadable(DEJAVU)) {
            try {
                return Font.createFont(Font.TRUETYPE_FONT, DEJAVU.toFile()).deriveFont(size);
            } catch (FontFormatException | IOException e) {
                // fall back below
            }
        }
        return new Font(Font.SANS_SERIF, Font.PLAIN, Math.round(size));
    }
}
