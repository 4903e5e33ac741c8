package org.rts.hardware.print;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;
import org.rts.hardware.Printer;
import org.rts.hardware.Slip;

/**
 * The simulated profile's printer: each slip becomes {@code slip-<n>.png} in a folder, one dot per pixel at a 58 mm
 * printer's width, so a test or a phone can read its QR code as from paper.
 */
public final class PngPrinter implements Printer {
    private final Path folder;

    public PngPrinter(Path folder) {
        this.folder = folder;
    }

    @Override
    public synchronized void print(Slip slip) throws IOException {
        Files.createDirectories(folder);
        int n = 1;
        while (Files.exists(folder.resolve("slip-" + n + ".png"))) {
            n++;
        }
        Path part = folder.resolve("slip-" + n + ".png.part");
        if (!ImageIO.write(SlipImage.draw(slip, SlipImage.DOTS_58MM), "png", part.toFile())) {
            throw new IOException("no PNG writer in this Java runtime");
        }
        Files.move(part, folder.resolve("slip-" + n + ".png"), StandardCopyOption.ATOMIC_MOVE);
    }
}
