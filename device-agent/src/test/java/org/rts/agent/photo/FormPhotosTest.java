package org.rts.agent.photo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.protocol.message.Photo;

class FormPhotosTest {
    @TempDir
    Path dir;

    private static byte[] noisyJpeg(int w, int h) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    @Test
    void a_photo_is_kept_under_its_hash_exactly_as_bound() throws Exception {
        byte[] jpeg = noisyJpeg(200, 100);
        FormPhotos photos = new FormPhotos(dir.resolve("photos"));
        Photo photo = photos.keep(jpeg);
        assertEquals(Photo.of(jpeg), photo, "a photo within the bound is kept as taken");
        assertArrayEquals(jpeg, Files.readAllBytes(photos.file(photo)));
        assertEquals(photo, photos.keep(jpeg), "the same photo twice is one file");
        try (var files = Files.list(dir.resolve("photos"))) {
            assertEquals(1, files.count(), "no partial file left");
        }
    }

    @Test
    void a_photo_over_the_bound_is_scaled_down_until_it_fits() throws Exception {
        byte[] large = noisyJpeg(1200, 900);
        byte[] fitted = FormPhotos.fit(large, large.length / 3);
        assertTrue(fitted.length <= large.length / 3, fitted.length + " of " + large.length);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(fitted));
        assertTrue(image.getWidth() < 1200, "smaller: " + image.getWidth());
        assertEquals(4.0 / 3, (double) image.getWidth() / image.getHeight(), 0.02, "the same shape");
        assertThrows(IOException.class, () -> FormPhotos.fit(new byte[100], 10), "not a JPEG: said so");

        byte[] twelve = noisyJpeg(3000, 2000);
        BufferedImage read = ImageIO.read(new ByteArrayInputStream(FormPhotos.fit(twelve, twelve.length / 2)));
        assertTrue((long) read.getWidth() * read.getHeight() <= FormPhotos.MAX_PIXELS,
                "a 6 MP photo is read at most 2 MP at a time: " + read.getWidth() + "x" + read.getHeight());
    }
}
