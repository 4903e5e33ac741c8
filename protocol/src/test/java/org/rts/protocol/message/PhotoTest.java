package org.rts.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rts.protocol.codec.MessageCodec;

class PhotoTest {
    private static final ResultReport V1 = new ResultReport(1, "el", Mode.LIVE, "dev-1", "S-1", 1, "", "parliament",
            500, 400, 100, 0, 300, 1, List.of(199, 100), Instant.parse("2026-11-22T18:00:00Z"));

    @Test
    void a_result_bound_to_its_photo_is_version_2_and_reads_back_the_same() {
        Photo photo = Photo.of("jpeg bytes".getBytes(StandardCharsets.US_ASCII));
        assertEquals(43, photo.sha256().length());
        assertEquals(10L, photo.bytes());
        ResultReport bound = V1.withPhoto(photo);
        assertEquals(Report.PHOTO_VERSION, bound.v());
        byte[] json = MessageCodec.encode(bound);
        assertTrue(new String(json, StandardCharsets.UTF_8).endsWith(",\"photo\":{\"sha256\":\"" + photo.sha256()
                + "\",\"bytes\":10}}"), new String(json, StandardCharsets.UTF_8));
        assertEquals(bound, MessageCodec.decodeReport(json));
        assertEquals(bound.withPosition(2, "x").photo(), photo, "a result signed again keeps its photo");
        assertEquals(V1.figures(), bound.figures(), "the same figures, whatever the photo");

        ResultReport skipped = V1.withPhoto(Photo.SKIPPED);
        assertTrue(new String(MessageCodec.encode(skipped), StandardCharsets.UTF_8)
                .endsWith(",\"photo\":{\"skipped\":true}}"));
        assertFalse(skipped.photo().taken());
        assertFalse(new String(MessageCodec.encode(V1), StandardCharsets.UTF_8).contains("photo"),
                "a version 1 result is written as before");
    }

    @Test
    void a_photo_and_its_version_go_together_and_only_results_move_to_version_2() {
        Photo photo = Photo.of(new byte[] {1});
        assertThrows(IllegalArgumentException.class, () -> new ResultReport(2, "el", Mode.LIVE, "dev-1", "S-1", 1,
                "", "parliament", 500, 400, 100, 0, 300, 1, List.of(199, 100), V1.closedAt()));
        assertThrows(IllegalArgumentException.class, () -> new ResultReport(1, "el", Mode.LIVE, "dev-1", "S-1", 1,
                "", "parliament", 500, 400, 100, 0, 300, 1, List.of(199, 100), V1.closedAt(), photo));
        assertThrows(IllegalArgumentException.class, () -> new TurnoutReport(2, "el", Mode.LIVE, "dev-1", "S-1", 1,
                "", V1.closedAt(), 10));
    }

    @Test
    void a_photo_is_a_hash_and_a_size_within_bounds_or_skipped_alone() {
        String hash = Photo.of(new byte[] {1}).sha256();
        assertThrows(IllegalArgumentException.class, () -> new Photo(hash, Photo.MAX_BYTES + 1, null));
        assertThrows(IllegalArgumentException.class, () -> new Photo(hash, 0L, null));
        assertThrows(IllegalArgumentException.class, () -> new Photo("not-a-hash", 10L, null));
        assertThrows(IllegalArgumentException.class, () -> new Photo(hash, 10L, true));
        assertThrows(IllegalArgumentException.class, () -> new Photo(null, null, false),
                "skipped is true or absent: one encoding");
    }
}
