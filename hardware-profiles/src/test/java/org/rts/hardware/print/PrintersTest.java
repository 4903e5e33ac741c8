package org.rts.hardware.print;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hardware.Slip;

class PrintersTest {
    /** As long as the signed result of a race of 24 candidates (a JWS is base64url and dots). */
    private static final String JWS = jwsLike(744);

    @TempDir
    Path dir;

    private static String jwsLike(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(i == 40 || i == 600 ? '.' : alphabet.charAt((i * 31 + 7) % alphabet.length()));
        }
        return b.toString();
    }

    /** What a phone's reader finds on the slip (zbarimg, the ZBar library's command). */
    private static String scanned(Path png) throws Exception {
        Process p = new ProcessBuilder("zbarimg", "--quiet", "--raw", "-Sbinary", png.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "zbarimg found no code in " + png + ": " + new String(out,
                StandardCharsets.UTF_8));
        return new String(out, StandardCharsets.UTF_8).strip();
    }

    @Test
    void a_slip_in_arabic_prints_at_the_printers_width_and_its_qr_code_reads_back_exactly() throws Exception {
        PngPrinter printer = new PngPrinter(dir.resolve("slips"));
        Slip slip = new Slip(List.of("محطة S-0001 — مدرسة الكرخ", "الرمز: K7Q2-M4XD", "Station S-0001"), JWS);
        printer.print(slip);
        printer.print(slip);

        Path first = dir.resolve("slips/slip-1.png");
        assertTrue(Files.exists(dir.resolve("slips/slip-2.png")), "a copy is a second file");
        BufferedImage image = ImageIO.read(first.toFile());
        assertEquals(SlipImage.DOTS_58MM, image.getWidth());
        assertEquals(JWS, scanned(first));
        // the Arabic line is drawn at the right edge: ink in the right half of the first text row, none at the left
        assertTrue(inkBetween(image, 300, 376, 8, 34), "Arabic is aligned right");
        assertTrue(!inkBetween(image, 0, 20, 8, 34), "nothing at the left of the Arabic line");
    }

    private static boolean inkBetween(BufferedImage image, int x0, int x1, int y0, int y1) {
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void a_message_in_several_parts_prints_each_code_numbered_and_each_reads_back() throws Exception {
        List<String> codes = List.of("RTSP1/1/3/" + jwsLike(943), "RTSP1/2/3/" + jwsLike(943), "RTSP1/3/3/"
                + jwsLike(400));
        PngPrinter printer = new PngPrinter(dir.resolve("slips"));
        printer.print(new Slip(List.of("Station S-0001"), codes));
        Path png = dir.resolve("slips/slip-1.png");
        assertEquals(SlipImage.DOTS_58MM, ImageIO.read(png.toFile()).getWidth());
        Process p = new ProcessBuilder("zbarimg", "--quiet", "--raw", "-Sbinary", "-Sqrcode.enable",
                png.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        for (String code : codes) {
            assertTrue(out.contains(code), "each part reads back whole: " + code.substring(0, 12));
        }
    }

    @Test
    void a_message_too_large_for_one_readable_code_is_refused_naming_its_size() {
        Slip slip = new Slip(List.of("S-0001"), jwsLike(2400));
        String e = assertThrows(IllegalArgumentException.class, () -> SlipImage.draw(slip, SlipImage.DOTS_58MM))
                .getMessage();
        assertTrue(e.contains("2400 characters") && e.contains("384-dot slip"), e);
    }

    @Test
    void the_escpos_printer_sends_one_raster_image_of_48_bytes_a_row_then_feeds_and_cuts() throws Exception {
        Path device = Files.createFile(dir.resolve("lp0"));
        Slip slip = new Slip(List.of("Station S-0001", "Code K7Q2-M4XD"), JWS);
        new EscPosPrinter(device).print(slip);

        byte[] sent = Files.readAllBytes(device);
        assertArrayEquals(new byte[] {0x1B, '@'}, Arrays.copyOf(sent, 2), "ESC @ first: the printer is reset");
        int raster = indexOf(sent, new byte[] {0x1D, 'v', '0'});
        assertTrue(raster > 0, "GS v 0: a raster image");
        assertEquals(48, (sent[raster + 4] & 0xFF) | (sent[raster + 5] & 0xFF) << 8, "384 dots = 48 bytes a row");
        int rows = (sent[raster + 6] & 0xFF) | (sent[raster + 7] & 0xFF) << 8;
        assertEquals(SlipImage.draw(slip, SlipImage.DOTS_58MM).getHeight(), rows);
        assertTrue(indexOf(sent, new byte[] {0x1D, 'V'}) > raster + 8 + 48 * rows - 1, "GS V: cut after the image");
    }

    @Test
    void a_printer_whose_device_is_missing_says_which_device() {
        Path device = dir.resolve("no-such-lp0");
        String e = assertThrows(java.io.IOException.class, () -> new EscPosPrinter(device)
                .print(new Slip(List.of("S-0001"), JWS))).getMessage();
        assertTrue(e.startsWith("printer " + device + ": "), e);
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
