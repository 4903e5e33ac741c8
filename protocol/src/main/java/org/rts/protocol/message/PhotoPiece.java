package org.rts.protocol.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.rts.protocol.ProtocolException;

/**
 * One piece of a form's photo, as a unit publishes it after the result that names the photo. Binary, not JSON: a
 * photo is megabytes, and base64 would add a third. Not signed: the hub keeps the bytes only when the whole photo
 * has the SHA-256 and length the unit signed into a result, so a piece needs no signature of its own.
 *
 * <pre>
 * 0..3   "RTSF"           magic
 * 4      1                format version
 * 5..36  SHA-256          of the whole photo (raw)
 * 37..40 total length     of the whole photo, big-endian
 * 41..44 offset           of this piece in the photo, big-endian
 * 45..   the piece's bytes (1..{@link #MAX_DATA})
 * </pre>
 */
public record PhotoPiece(String sha256, int total, int offset, byte[] data) {
    /** A piece's bytes at most: with its header and topic it fits the broker's 64 KiB packet limit. */
    public static final int MAX_DATA = 48 * 1024;
    private static final byte[] MAGIC = "RTSF".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int HEADER = 45;

    public PhotoPiece {
        if (total < 1 || total > Photo.MAX_BYTES) {
            throw new IllegalArgumentException("a photo is 1.." + Photo.MAX_BYTES + " bytes, this one says " + total);
        }
        if (data.length < 1 || data.length > MAX_DATA) {
            throw new IllegalArgumentException("a piece holds 1.." + MAX_DATA + " bytes, this one " + data.length);
        }
        if (offset < 0 || (long) offset + data.length > total) {
            throw new IllegalArgumentException("a piece of " + data.length + " bytes at " + offset + " does not fit"
                    + " a photo of " + total + " bytes");
        }
        if (sha256 == null || !sha256.matches("[A-Za-z0-9_-]{43}")) {
            throw new IllegalArgumentException("a piece names its photo by a base64url SHA-256, found: " + sha256);
        }
    }

    /** The piece of {@code photo} (its SHA-256 {@code sha256}) that starts at {@code offset}. */
    public static PhotoPiece of(String sha256, byte[] photo, int offset) {
        int end = Math.min(photo.length, offset + MAX_DATA);
        return new PhotoPiece(sha256, photo.length, offset, Arrays.copyOfRange(photo, offset, end));
    }

    /** Where the next piece starts. */
    public int end() {
        return offset + data.length;
    }

    public byte[] encode() {
        return ByteBuffer.allocate(HEADER + data.length).put(MAGIC).put((byte) VERSION)
                .put(Base64.getUrlDecoder().decode(sha256)).putInt(total).putInt(offset).put(data).array();
    }

    /** Reads a piece; a wrong magic, version or length is refused with what was wrong. */
    public static PhotoPiece decode(byte[] bytes) {
        if (bytes.length <= HEADER) {
            throw new ProtocolException("a photo piece has a " + HEADER
                    + "-byte header and data, this one is " + bytes.length + " bytes");
        }
        if (!Arrays.equals(bytes, 0, 4, MAGIC, 0, 4) || bytes[4] != VERSION) {
            throw new ProtocolException("not a photo piece of format " + VERSION
                    + " (it starts " + new String(bytes, 0, 5, StandardCharsets.ISO_8859_1)
                    .replaceAll("[^ -~]", "?") + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] sha = new byte[32];
        b.position(5).get(sha);
        int total = b.getInt();
        int offset = b.getInt();
        try {
            return new PhotoPiece(Base64.getUrlEncoder().withoutPadding().encodeToString(sha), total, offset,
                    Arrays.copyOfRange(bytes, HEADER, bytes.length));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(e.getMessage());
        }
    }
}
