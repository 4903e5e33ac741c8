package org.rts.hub.photo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.intake.Intake;
import org.rts.hub.store.MessageStore;
import org.rts.hub.store.PhotoStore;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.Topics;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Photo;
import org.rts.protocol.message.PhotoAnswer;
import org.rts.protocol.message.PhotoAnswer.Refusal;
import org.rts.protocol.message.PhotoAnswer.Status;
import org.rts.protocol.message.PhotoPiece;
import org.rts.protocol.message.Receipt;

class PhotoIntakeTest {
    @TempDir
    Path dir;

    private TestElection election;
    private MessageStore store;
    private Intake intake;
    private PhotoStore photos;
    private PhotoIntake photoIntake;
    private TestElection.Device dev1;

    @BeforeEach
    void setUp() {
        election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        String location = dir.resolve("hub.db").toString();
        store = MessageStore.open(location);
        intake = election.intake(store);
        photos = PhotoStore.open(location);
        photoIntake = new PhotoIntake(election.id, PhotoStore.open(location), TestElection.CLOCK);
        dev1 = election.device(1);
    }

    @AfterEach
    void tearDown() {
        photoIntake.close();
        photos.close();
        store.close();
    }

    private static byte[] jpeg(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** dev-1 signs a result bound to {@code jpeg}; the hub stores it (accepted the first time, in conflict after). */
    private Receipt.Status signResult(byte[] jpeg, int a) {
        byte[] bytes = dev1.chain(dev1.sign(dev1.result(a, 100, 290 - a).withPhoto(Photo.of(jpeg))));
        Intake.Answer answer = intake.process(Topics.report(election.id, dev1.id, Topics.RESULT), bytes)
                .orElseThrow();
        return election.receipt(answer.receipt()).status();
    }

    private PhotoAnswer piece(byte[] jpeg, int offset) {
        return photoIntake.answer(dev1.id, PhotoPiece.of(Photo.of(jpeg).sha256(), jpeg, offset).encode());
    }

    /** Sends the whole photo in order; returns every answer. */
    private List<PhotoAnswer> send(byte[] jpeg, int upTo) {
        List<PhotoAnswer> answers = new ArrayList<>();
        for (int at = 0; at < upTo; at += PhotoPiece.MAX_DATA) {
            answers.add(piece(jpeg, at));
        }
        return answers;
    }

    @Test
    void aPhotoThatMatchesTheSignedHashIsKeptWholeAndAnsweredKeptThereafter() {
        byte[] jpeg = jpeg(3 * PhotoPiece.MAX_DATA + 1000, 1);
        assertEquals(Receipt.Status.ACCEPTED, signResult(jpeg, 200));
        List<PhotoAnswer> answers = send(jpeg, jpeg.length);
        assertEquals(List.of(Status.PARTIAL, Status.PARTIAL, Status.PARTIAL, Status.KEPT),
                answers.stream().map(PhotoAnswer::status).toList());
        assertEquals(List.of((long) PhotoPiece.MAX_DATA, 2L * PhotoPiece.MAX_DATA, 3L * PhotoPiece.MAX_DATA,
                (long) jpeg.length), answers.stream().map(PhotoAnswer::have).toList());
        String sha = Photo.of(jpeg).sha256();
        assertArrayEquals(jpeg, photos.photo(sha).orElseThrow());
        assertEquals(0, photos.held(dev1.id, sha), "its pieces are gone once it is kept");
        assertEquals(Status.KEPT, piece(jpeg, 0).status(), "a unit that missed the answer is told again");
        var station = photos.ofStation(election.id, dev1.station);
        assertEquals(1, station.size());
        assertTrue(station.get(0).photoKept());
    }

    @Test
    void aUnitResumesFromWhatTheHubHoldsAndAGapStoresNothing() {
        byte[] jpeg = jpeg(3 * PhotoPiece.MAX_DATA, 2);
        signResult(jpeg, 200);
        assertEquals(PhotoPiece.MAX_DATA, piece(jpeg, 0).have());
        PhotoAnswer gap = piece(jpeg, 2 * PhotoPiece.MAX_DATA);
        assertEquals(Status.PARTIAL, gap.status());
        assertEquals(PhotoPiece.MAX_DATA, gap.have(), "the unit is told where to go on from");
        PhotoAnswer repeat = piece(jpeg, 0);
        assertEquals(PhotoPiece.MAX_DATA, repeat.have(), "a repeated piece is not stored twice");
        assertEquals(PhotoPiece.MAX_DATA, photos.held(dev1.id, Photo.of(jpeg).sha256()));
        assertEquals(Status.PARTIAL, piece(jpeg, PhotoPiece.MAX_DATA).status());
        assertEquals(Status.KEPT, piece(jpeg, 2 * PhotoPiece.MAX_DATA).status());
    }

    @Test
    void aPhotoNoResultNamesIsRefusedAndNothingIsWritten() {
        byte[] signed = jpeg(1000, 3);
        signResult(signed, 200);
        byte[] other = jpeg(1000, 4);
        PhotoAnswer answer = piece(other, 0);
        assertEquals(Refusal.PHOTO_UNKNOWN, answer.reason());
        assertEquals(0, photos.held(dev1.id, Photo.of(other).sha256()));
        assertFalse(photos.kept(Photo.of(other).sha256()));
        PhotoAnswer otherUnit = photoIntake.answer("dev-2", PhotoPiece.of(Photo.of(signed).sha256(), signed, 0)
                .encode());
        assertEquals(Refusal.PHOTO_UNKNOWN, otherUnit.reason(), "another unit's signed photo is not this unit's");
    }

    @Test
    void bytesThatDoNotHaveTheSignedHashAreDroppedWithTheReason() {
        byte[] jpeg = jpeg(2 * PhotoPiece.MAX_DATA, 5);
        signResult(jpeg, 200);
        String sha = Photo.of(jpeg).sha256();
        byte[] altered = jpeg.clone();
        altered[altered.length - 1] ^= 1;
        assertEquals(Status.PARTIAL, photoIntake.answer(dev1.id, PhotoPiece.of(sha, altered, 0).encode()).status());
        PhotoAnswer last = photoIntake.answer(dev1.id, PhotoPiece.of(sha, altered, PhotoPiece.MAX_DATA).encode());
        assertEquals(Refusal.PHOTO_MISMATCH, last.reason());
        assertEquals(0, photos.held(dev1.id, sha));
        assertFalse(photos.kept(sha));
        assertEquals(Status.KEPT, send(jpeg, jpeg.length).get(1).status(), "the true bytes, sent again, are kept");
    }

    @Test
    void aPhotoHeldWholeButNotKeptWhenTheHubStoppedIsKeptOnTheNextPiece() {
        byte[] jpeg = jpeg(2 * PhotoPiece.MAX_DATA + 5, 9);
        signResult(jpeg, 200);
        String sha = Photo.of(jpeg).sha256();
        for (int at = 0; at < jpeg.length; at += PhotoPiece.MAX_DATA) {
            PhotoPiece p = PhotoPiece.of(sha, jpeg, at);
            photos.addPart(dev1.id, sha, p.offset(), p.data()); // the last piece stored, then the hub stopped
        }
        assertFalse(photos.kept(sha));
        assertEquals(Status.KEPT, piece(jpeg, 0).status(), "the unit, resuming, is not left waiting forever");
        assertArrayEquals(jpeg, photos.photo(sha).orElseThrow());
    }

    @Test
    void aMalformedPieceIsRefusedAsMalformed() {
        PhotoAnswer answer = photoIntake.answer(dev1.id, "{\"not\":\"a piece\"}".getBytes());
        assertEquals(Refusal.MALFORMED, answer.reason());
    }

    @Test
    void aUnitsUnfinishedPhotosHoldAtMostItsBudget() {
        List<byte[]> forms = List.of(jpeg((int) Photo.MAX_BYTES, 6), jpeg((int) Photo.MAX_BYTES, 7),
                jpeg((int) Photo.MAX_BYTES, 8));
        for (int i = 0; i < forms.size(); i++) {
            signResult(forms.get(i), 200 + i); // the later ones in conflict, chained: their photos are evidence
        }
        send(forms.get(0), forms.get(0).length - PhotoPiece.MAX_DATA);
        send(forms.get(1), forms.get(1).length - PhotoPiece.MAX_DATA);
        PhotoAnswer third = piece(forms.get(2), 0);
        assertEquals(Refusal.PHOTO_BUDGET, third.reason(), third.toString());
        assertEquals(0, photos.held(dev1.id, Photo.of(forms.get(2)).sha256()));
        assertEquals(Status.KEPT, send(forms.get(0), forms.get(0).length).getLast().status(),
                "an unfinished photo still completes");
        assertEquals(Status.PARTIAL, piece(forms.get(2), 0).status(), "and then frees room for the next");
    }
}
