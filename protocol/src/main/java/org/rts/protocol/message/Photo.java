package org.rts.protocol.message;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The photo of the signed paper form that a result is bound to: the SHA-256 (base64url) and length of the exact
 * JPEG bytes the unit took, or {@code skipped} where the ballot definition lets the officer send without one. The
 * photo itself travels after the result; the hub keeps it only if it matches these.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Photo(String sha256, Long bytes, Boolean skipped) {
    /** A photo larger than this is scaled down on the unit before it is hashed (a 12 MP JPEG is about 3 MB). */
    public static final long MAX_BYTES = 2L * 1024 * 1024;
    public static final Photo SKIPPED = new Photo(null, null, true);

    public Photo {
        if (skipped != null) {
            if (!skipped || sha256 != null || bytes != null) {
                throw new IllegalArgumentException("a skipped photo is {\"skipped\":true} alone, found: sha256="
                        + sha256 + " bytes=" + bytes + " skipped=" + skipped);
            }
        } else {
            if (sha256 == null || !sha256.matches("[A-Za-z0-9_-]{43}")) {
                throw new IllegalArgumentException("photo.sha256 must be a base64url SHA-256, found: " + sha256);
            }
            if (bytes == null || bytes < 1 || bytes > MAX_BYTES) {
                throw new IllegalArgumentException("photo.bytes must be 1.." + MAX_BYTES + ", found: " + bytes);
            }
        }
    }

    /** The photo of {@code jpeg}, exactly these bytes. */
    public static Photo of(byte[] jpeg) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(jpeg);
            return new Photo(Base64.getUrlEncoder().withoutPadding().encodeToString(digest), (long) jpeg.length,
                    null);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** Whether a photo was taken (false: the officer sent without one, as the ballot allowed). */
    @JsonIgnore
    public boolean taken() {
        return skipped == null;
    }
}
