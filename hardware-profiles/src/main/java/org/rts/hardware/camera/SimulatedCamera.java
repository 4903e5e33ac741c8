package org.rts.hardware.camera;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import javax.imageio.ImageIO;
import org.rts.hardware.Fonts;
import org.rts.hardware.Camera;

/**
 * The simulated profile's camera: the JPEG file {@code rts.simulated.photo} names, or else a drawn picture of a
 * paper form with the time it was taken (so a retake is another photo), 1600x1200 like a real capture.
 */
public final class SimulatedCamera implements Camera {
    private final Clock clock;

    public SimulatedCamera(Clock clock) {
        this.clock = clock;
    }

    @Override
    public byte[] capture() throws IOException {
        String file = System.getProperty("rts.simulated.photo");
        if (file != null) {
            return Files.readAllBytes(Path.of(file));
        }
        BufferedImage image = new BufferedImage(1600, 1200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(new Color(0xf4f1e8));
            g.fillRect(0, 0, 1600, 1200);
            g.setColor(Color.DARK_GRAY);
            g.setFont(Fonts.dejaVuSans(48f));
            g.drawString("Result form (simulated camera)", 120, 160);
            g.setFont(Fonts.dejaVuSans(36f));
            Instant now = clock.instant();
            g.drawString("taken " + now, 120, 240);
            for (int line = 0; line < 12; line++) {
                g.drawLine(120, 340 + line * 60, 1480, 340 + line * 60);
            }
            g.drawString("signatures: presiding officer, party agents", 120, 1120);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "jpg", out)) {
            throw new IOException("no JPEG writer in this Java runtime");
        }
        return out.toByteArray();
    }
}
