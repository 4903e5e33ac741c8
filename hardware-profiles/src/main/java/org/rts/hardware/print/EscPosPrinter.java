package org.rts.hardware.print;

import com.github.anastaciocintra.escpos.EscPos;
import com.github.anastaciocintra.escpos.image.BitonalThreshold;
import com.github.anastaciocintra.escpos.image.CoffeeImageImpl;
import com.github.anastaciocintra.escpos.image.EscPosImage;
import com.github.anastaciocintra.escpos.image.RasterBitImageWrapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.rts.hardware.Printer;
import org.rts.hardware.Slip;

/**
 * A 58 mm ESC/POS thermal printer on a character device: {@code /dev/usb/lp0} (USB, the kernel's usblp driver) or
 * a serial port whose speed is set at boot. The slip goes as one raster image ({@code GS v 0}), because the
 * printers' own fonts have no Arabic shaping; then a feed and a cut (a printer without a cutter ignores it).
 */
public final class EscPosPrinter implements Printer {
    private final Path device;

    public EscPosPrinter(Path device) {
        this.device = device;
    }

    @Override
    public synchronized void print(Slip slip) throws IOException {
        EscPosImage image = new EscPosImage(new CoffeeImageImpl(SlipImage.draw(slip, SlipImage.DOTS_58MM)),
                new BitonalThreshold());
        try (OutputStream out = Files.newOutputStream(device, StandardOpenOption.WRITE);
             EscPos escpos = new EscPos(out)) {
            escpos.initializePrinter();
            escpos.write(new RasterBitImageWrapper(), image);
            escpos.feed(4);
            escpos.cut(EscPos.CutMode.PART);
        } catch (IOException e) {
            throw new IOException("printer " + device + ": " + e.getMessage(), e);
        }
    }
}
