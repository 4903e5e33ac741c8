package org.rts.protocol.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.codec.Json;

class PhotoPieceTest {
    private static byte[] photo(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @Test
    void aPhotoGoesInPiecesThatJoinToTheSameBytes() {
        byte[] jpeg = photo(3 * PhotoPiece.MAX_DATA + 17);
        String sha = Photo.of(jpeg).sha256();
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int pieces = 0;
        for (int at = 0; at < jpeg.length; pieces++) {
            byte[] wire = PhotoPiece.of(sha, jpeg, at).encode();
            assertTrue(wire.length <= 64 * 1024 - 200, "fits the broker's packet with its topic: " + wire.length);
            PhotoPiece back = PhotoPiece.decode(wire);
            assertEquals(sha, back.sha256());
            assertEquals(jpeg.length, back.total());
            assertEquals(at, back.offset());
            joined.writeBytes(back.data());
            at = back.end();
        }
        assertEquals(4, pieces);
        assertArrayEquals(jpeg, joined.toByteArray());
    }

    @Test
    void malformedPiecesAreRefusedSayingWhy() {
        byte[] wire = PhotoPiece.of(Photo.of(photo(100)).sha256(), photo(100), 0).encode();
        assertTrue(assertThrows(ProtocolException.class, () -> PhotoPiece.decode(new byte[10]))
                .getMessage().contains("45-byte header"));
        byte[] wrongMagic = wire.clone();
        wrongMagic[0] = '{';
        assertTrue(assertThrows(ProtocolException.class, () -> PhotoPiece.decode(wrongMagic))
                .getMessage().contains("not a photo piece"));
        byte[] beyond = wire.clone();
        beyond[44] = 50; // offset 50 with 100 bytes of data in a photo of 100
        assertTrue(assertThrows(ProtocolException.class, () -> PhotoPiece.decode(beyond))
                .getMessage().contains("does not fit"));
        byte[] huge = wire.clone();
        huge[37] = 0x7f; // a total far beyond the largest photo
        assertTrue(assertThrows(ProtocolException.class, () -> PhotoPiece.decode(huge))
                .getMessage().contains("1.." + Photo.MAX_BYTES));
    }

    @Test
    void answersTravelAsJsonAndARefusalHasItsReason() throws Exception {
        PhotoAnswer refused = PhotoAnswer.refused("x".repeat(43), PhotoAnswer.Refusal.PHOTO_UNKNOWN, "no result");
        String json = Json.mapper().writeValueAsString(refused);
        assertEquals(refused, Json.mapper().readValue(json, PhotoAnswer.class));
        assertTrue(json.contains("\"reason\":\"PHOTO_UNKNOWN\""), json);
        assertThrows(IllegalArgumentException.class, () -> new PhotoAnswer(1, "s", 0, PhotoAnswer.Status.KEPT,
                PhotoAnswer.Refusal.PHOTO_BUDGET, null));
    }
}
