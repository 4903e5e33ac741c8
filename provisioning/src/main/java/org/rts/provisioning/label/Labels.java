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
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean dark = qr.getModule(x / SCALE - BORDER, y / SCALE - BORDER);
                image.setRGB(x, y, dark ? 0x000000 : 0xFFFFFF);
            }
        }
        try {
            Files.createDirectories(dir);
            ImageIO.write(image, "png", dir.resolve("label.png").toFile());
            Files.writeString(dir.resolve("label.txt"), String.format(
                    "Election    %s%nDevice      %s%nStation     %s%nCertificate SHA-256 %s%n", election, device,
                    station, thumbprint));
        } catch (IOException e) {
            throw new ProvisioningException("cannot write the label in " + dir + ": " + e.getMessage());
        }
    }
}
