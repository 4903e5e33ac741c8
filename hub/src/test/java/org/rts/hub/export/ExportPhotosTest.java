package org.rts.hub.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.intake.Intake;
import org.rts.hub.store.ExportSnapshot;
import org.rts.hub.store.MessageStore;
import org.rts.hub.store.PhotoStore;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.protocol.Topics;
import org.rts.protocol.export.ExportFiles;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Photo;
import org.rts.provisioning.audit.CaPin;
import org.rts.provisioning.audit.ExportVerifier;

/** The photos of the forms in an export: written by their signed hash, checked by verify-export and VERIFY.md. */
class ExportPhotosTest {
    @TempDir
    Path dir;

    private TestElection election;
    private MessageStore store;
    private byte[] arrived;
    private Photo awaited;

    @BeforeEach
    void setUp() {
        election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        String location = dir.resolve("hub.db").toString();
        store = MessageStore.open(location);
        Intake intake = election.intake(store);
        arrived = jpeg(70_000, 1);
        byte[] other = jpeg(50_000, 2);
        awaited = Photo.of(other);
        Device dev1 = election.device(1);
        Device dev2 = election.device(2);
        intake.process(Topics.report(election.id, dev1.id, Topics.RESULT),
                dev1.chain(dev1.sign(dev1.result(200, 120, 70).withPhoto(Photo.of(arrived)))));
        intake.process(Topics.report(election.id, dev2.id, Topics.RESULT),
                dev2.chain(dev2.sign(dev2.result(200, 120, 70).withPhoto(awaited))));
        try (PhotoStore photos = PhotoStore.open(location)) {
            PhotoStore.Named named = photos.named(dev1.id).get(0);
            photos.keep(named, arrived, Instant.now());
        }
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private static byte[] jpeg(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private Path export() {
        try (ExportSnapshot snapshot = ExportSnapshot.open(dir.resolve("hub.db").toString())) {
            return new Exporter(election.files, snapshot, TestElection.CLOCK).export(dir.resolve("export")).dir();
        }
    }

    @Test
    void theExportHoldsEachArrivedPhotoByItsSignedHashAndListsTheOnesNotArrived() throws Exception {
        Path out = export();
        Path photo = new ExportFiles(out).photo(Photo.of(arrived).sha256());
        assertArrayEquals(arrived, Files.readAllBytes(photo));
        ExportVerifier.Result result = ExportVerifier.verify(out, CaPin.of(election.files.caCertificate()),
                List.of());
        assertTrue(result.ok(), result.problems().toString());
        assertTrue(result.checked().contains("2 chained results signed a photo of their form, 1 of the photos are in"
                + " the export with the bytes signed, 1 have not arrived; 0 results were sent without a photo as their"
                + " ballot allowed"), result.checked().toString());
        String missing = "photo not arrived: station S-2 race parliament (unit dev-2, photo " + awaited.sha256() + ")";
        assertTrue(result.checked().contains(missing), result.checked().toString());
        Recipe.Run run = Recipe.fromVerifyMd().run(out, CaPin.of(election.files.caCertificate()).sha256());
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains(missing), run.output());
    }

    @Test
    void aPhotoAlteredInTheExportIsFoundByBothChecks() throws Exception {
        Path out = export();
        Path photo = new ExportFiles(out).photo(Photo.of(arrived).sha256());
        byte[] altered = arrived.clone();
        altered[100] ^= 1;
        Files.write(photo, altered);
        ExportVerifier.Result result = ExportVerifier.verify(out, CaPin.of(election.files.caCertificate()),
                List.of());
        assertFalse(result.ok());
        String name = "photos/" + photo.getFileName();
        assertTrue(result.problems().stream().anyMatch(p -> p.startsWith(name + ": 70000 bytes of SHA-256 ")
                && p.contains("not the photo the result of station S-1 race parliament signed")),
                result.problems().toString());
        Recipe.Run run = Recipe.fromVerifyMd().run(out, CaPin.of(election.files.caCertificate()).sha256());
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("PROBLEM: " + name + ": not the bytes signed"), run.output());
    }
}
