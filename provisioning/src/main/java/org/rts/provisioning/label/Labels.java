package org.rts.provisioning.label;

import io.nayuki.qrcodegen.QrCode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.rts.provisioning.ProvisioningException;

/**
 * The label stuck on a unit: device, station and certificate fingerprint as text, and the same as a QR code
 * ({@code rts:<election>:<device>:<station>:<sha256>}) that a phone can read at the polling station.
 */
public final class Labels {
    public static final String PNG = "label.png";
    public static final String TEXT = "label.txt";
    private static final int SCALE = 8;
    private static final int BORDER = 4;

    private Labels() {
    }

    public static String content(String election, String device, String station, String thumbprint) {
        return "rts:" + election + ":" + device + ":" + station + ":" + thumbprint;
    }

    public static void write(Path dir, String election, String device, String station, String thumbprint) {
        String content = content(election, device, station, thumbprint);
        QrCode qr = QrCode.encodeText(content, QrCode.Ecc.MEDIUM);
        int size = (qr.size + 2 * BORDER) * SCALE;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_BINARY);
        var g = image.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, size, size);
        g.setColor(java.awt.Color.BLACK);
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                if (qr.getModule(x, y)) {
                    g.fillRect((x + BORDER) * SCALE, (y + BORDER) * SCALE, SCALE, SCALE);
                }
            }
        }
        g.dispose();
        try {
            Files.createDirectories(dir);
            ImageIO.write(image, "png", dir.resolve(PNG).toFile());
            Files.writeString(dir.resolve(TEXT), String.format(
                    "Election    %s%nDevice      %s%nStation     %s%nCertificate SHA-256 %s%n", election, device,
                    station, thumbprint));
        } catch (IOException e) {
            throw new ProvisioningException("cannot write the label in " + dir + ": " + e.getMessage());
        }
    }
}
