package org.rts.agent.photo;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.rts.protocol.message.Photo;

/**
 * The photos of signed paper forms a unit took, kept in its data folder as {@code photos/<sha256>.jpg} (the
 * base64url SHA-256 of the exact bytes the result is bound to) and on disk before the result is signed, so a
 * power cut never leaves a signed hash without its photo.
 */
public final class FormPhotos {
    private static final float QUALITY = 0.85f;
    /** 2 MP: what a form's photo needs to be read, and what the unit's heap holds while it scales one down. */
    static final long MAX_PIXELS = 2_000_000;

    private final Path dir;

    public FormPhotos(Path dir) {
        this.dir = dir;
    }

    /** Keeps {@code jpeg}, scaled down first if it is larger than {@link Photo#MAX_BYTES}; returns what was kept. */
    public Photo keep(byte[] jpeg) throws IOException {
        byte[] fitted = fit(jpeg, Photo.MAX_BYTES);
        Photo photo = Photo.of(fitted);
        Files.createDirectories(dir);
        Path file = file(photo);
        if (!Files.exists(file)) {
            Path part = dir.resolve(photo.sha256() + ".jpg.part");
            Files.write(part, fitted);
            try (FileChannel c = FileChannel.open(part, StandardOpenOption.WRITE)) {
                c.force(true);
            }
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        }
        return photo;
    }

    /** Where the photo of {@code photo} is kept. */
    public Path file(Photo photo) {
        return dir.resolve(photo.sha256() + ".jpg");
    }

    /** {@code jpeg} itself when it fits in {@code maxBytes}, else the picture scaled down until it does. */
    static byte[] fit(byte[] jpeg, long maxBytes) throws IOException {
        if (jpeg.length <= maxBytes) {
            return jpeg;
        }
        BufferedImage image = decoded(jpeg);
        double scale = Math.min(0.9, Math.sqrt((double) maxBytes / jpeg.length));
        while (true) {
            int w = Math.max(1, (int) (image.getWidth() * scale));
            int h = Math.max(1, (int) (image.getHeight() * scale));
            byte[] smaller = encode(scaled(image, w, h));
            if (smaller.length <= maxBytes || w < 64) {
                return smaller;
            }
            scale *= 0.8;
        }
    }

    /**
     * The picture decoded at most {@link #MAX_PIXELS} (every n-th pixel of a larger one, read so): a 12 MP photo
     * decoded whole would need 36 MB, more than the unit's heap.
     */
    private static BufferedImage decoded(byte[] jpeg) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("the camera's picture is not a readable JPEG (" + jpeg.length + " bytes)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                int step = (int) Math.max(1, Math.ceil(Math.sqrt((double) pixels / MAX_PIXELS)));
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceSubsampling(step, step, 0, 0);
                return reader.read(0, param);
            } finally {
                reader.dispose();
            }
        }
    }

    private static BufferedImage scaled(BufferedImage image, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static byte[] encode(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
