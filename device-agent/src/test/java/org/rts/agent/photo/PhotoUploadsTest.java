package org.rts.agent.photo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.TestClock;
import org.rts.agent.TestUnit;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.transmission.Sender;
import org.rts.agent.workflow.TallyForm;
import org.rts.agent.workflow.Workflow;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.Json;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Photo;
import org.rts.protocol.message.PhotoAnswer;
import org.rts.protocol.message.PhotoPiece;

/** The photo uploads against a recording publisher; the test answers as the hub would and moves the clock. */
@Timeout(30)
class PhotoUploadsTest {
    private static final Instant START = Instant.parse("2026-11-22T18:30:00Z");

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(START);
    private final List<PhotoPiece> published = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private Outbox outbox;
    private FormPhotos files;
    private PhotoUploads uploads;
    private byte[] jpeg;
    private Photo photo;
    private volatile boolean connected = true;

    @BeforeEach
    void setUp() throws Exception {
        Clock dayBefore = Clock.offset(Clock.fixed(START, java.time.ZoneOffset.UTC), Duration.ofDays(-1));
        ElectionFiles election = TestUnit.election(dir.resolve("election"), dayBefore, new Election("el", "Election",
                Mode.LIVE, List.of(new Race("r", "Race", List.of(new Candidate("a", "A")))),
                List.of(new Station("S-1", "One", 500)), null));
        Bundle bundle = Bundle.load(TestUnit.enrol(election, dayBefore, election.bundle("dev-1").dir(), "dev-1",
                "S-1"), START);
        outbox = Outbox.create(dir.resolve("outbox.db"));
        files = new FormPhotos(dir.resolve("photos"));
        jpeg = new byte[5 * PhotoPiece.MAX_DATA + 123];
        new Random(7).nextBytes(jpeg);
        photo = files.keep(jpeg);
        Workflow workflow = new Workflow(bundle, outbox, clock);
        var result = workflow.commit(workflow.result(new TallyForm("r", 500, 500, 98, 2, 400, 10, Map.of("a", 390),
                null)), photo);
        outbox.recordReceipt(result.hash(), "ACCEPTED", "ABCD-EFGH", "", "receipt", START);
        uploads = uploads();
    }

    private PhotoUploads uploads() {
        return new PhotoUploads("el", "dev-1", outbox, files, new Sender.Publisher() {
            @Override
            public boolean publish(String topic, byte[] payload) {
                assertEquals(Topics.report("el", "dev-1", Topics.PHOTO), topic);
                published.add(PhotoPiece.decode(payload));
                return true;
            }

            @Override
            public boolean isConnected() {
                return connected;
            }
        }, clock, executor);
    }

    @AfterEach
    void tearDown() throws Exception {
        uploads.close();
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        outbox.close();
    }

    private void answer(PhotoAnswer a) throws Exception {
        uploads.answer(Json.mapper().writeValueAsBytes(a));
        executor.submit(() -> { }).get(); // the answer is handled
    }

    private void pump() throws Exception {
        uploads.wake();
        executor.submit(() -> { }).get();
    }

    private List<Integer> offsets() {
        return published.stream().map(PhotoPiece::offset).toList();
    }

    @Test
    void theAnsweredResultsPhotoGoesInPiecesAFewAheadAndLeavesTheListOnceKept() throws Exception {
        assertEquals(List.of(photo.sha256()), List.copyOf(PhotoUploads.unsent(outbox).keySet()));
        CompletableFuture<Void> kept = uploads.awaitKept(photo.sha256());
        pump();
        assertEquals(List.of(0), offsets(), "one piece until the hub says what it holds");
        int p = PhotoPiece.MAX_DATA;
        answer(PhotoAnswer.partial(photo.sha256(), p));
        assertEquals(List.of(0, p, 2 * p, 3 * p, 4 * p), offsets(), "then a window of 4 ahead of what it holds");
        for (int have = 2 * p; have <= 5 * p; have += p) {
            answer(PhotoAnswer.partial(photo.sha256(), have));
        }
        assertEquals(5 * p, published.getLast().offset(), "the last piece");
        assertEquals(jpeg.length, published.getLast().end());
        answer(PhotoAnswer.kept(photo.sha256(), jpeg.length));
        kept.get(5, TimeUnit.SECONDS);
        assertTrue(PhotoUploads.unsent(outbox).isEmpty(), "recorded in the outbox: not sent again");
        int sent = published.size();
        pump();
        assertEquals(sent, published.size());
    }

    @Test
    void afterAPowerCutTheUnitGoesOnFromWhatTheHubHolds() throws Exception {
        int p = PhotoPiece.MAX_DATA;
        pump();
        answer(PhotoAnswer.partial(photo.sha256(), p));
        answer(PhotoAnswer.partial(photo.sha256(), 2 * p));
        answer(PhotoAnswer.partial(photo.sha256(), 3 * p));
        uploads.close(); // the power goes: what the unit knew of the transfer is lost
        published.clear();
        uploads = uploads();
        pump();
        assertEquals(List.of(0), offsets(), "it asks with the first piece");
        answer(PhotoAnswer.partial(photo.sha256(), 3 * p));
        assertEquals(List.of(0, 3 * p, 4 * p, 5 * p), offsets(), "and sends only what the hub lacks");
    }

    @Test
    void piecesLostOnTheWayGoAgainFromWhatTheHubHoldsOnceNothingMoves() throws Exception {
        int p = PhotoPiece.MAX_DATA;
        pump();
        answer(PhotoAnswer.partial(photo.sha256(), p)); // pieces 1..4 go, and are lost
        published.clear();
        clock.advance(PhotoUploads.STALLED.plusSeconds(1));
        pump();
        assertEquals(List.of(p, 2 * p, 3 * p, 4 * p), offsets());
        published.clear();
        clock.advance(PhotoUploads.STALLED.plusSeconds(1));
        pump();
        assertTrue(published.isEmpty(), "a second stall in a row waits twice as long: a hub away is not flooded");
        clock.advance(PhotoUploads.STALLED);
        pump();
        assertEquals(List.of(p, 2 * p, 3 * p, 4 * p), offsets());
    }

    @Test
    void aRefusedPhotoIsKeptAndTriedAgainAfterAPause() throws Exception {
        pump();
        answer(PhotoAnswer.refused(photo.sha256(), PhotoAnswer.Refusal.PHOTO_UNKNOWN, "no result yet"));
        published.clear();
        pump();
        assertTrue(published.isEmpty(), "held back for a while");
        clock.advance(org.rts.agent.transmission.Hold.FIRST.plusSeconds(1));
        pump();
        assertEquals(List.of(0), offsets(), "then sent again");
        assertEquals(List.of(photo.sha256()), List.copyOf(PhotoUploads.unsent(outbox).keySet()));
    }

    @Test
    void nothingGoesWhileOfflineAndAPhotoFileNotTheSignedBytesIsNeverSent() throws Exception {
        connected = false;
        pump();
        assertTrue(published.isEmpty());
        connected = true;
        java.nio.file.Files.write(files.file(photo), "altered".getBytes(StandardCharsets.US_ASCII));
        pump();
        assertTrue(published.isEmpty(), "the file is not the photo the result signed");
    }
}
