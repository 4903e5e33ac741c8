package org.rts.agent.photo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.agent.transmission.Hold;
import org.rts.agent.transmission.Sender;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.Json;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Photo;
import org.rts.protocol.message.PhotoAnswer;
import org.rts.protocol.message.PhotoPiece;
import org.rts.protocol.message.ResultReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the photos of the signed forms after their results, never before or in their way: a photo goes only once
 * the hub has answered the result that names it, one photo at a time, in pieces of at most 48 KiB, a few ahead of
 * the hub's answers. The hub answers each piece with how much it holds from the start, so after a lost connection
 * or a power cut (on either side) the unit goes on from there: a photo it starts again goes one piece at a time
 * until the hub has said where it is. A photo leaves the list once the hub says it keeps it
 * (recorded in the outbox); a refused one is kept and tried again after a growing pause. All state is touched on
 * the sender's thread.
 */
public final class PhotoUploads implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PhotoUploads.class);
    /** Pieces sent ahead of the hub's answers. */
    static final int WINDOW = 4;
    /**
     * No answer moving a photo on for this long: its pieces go again from what the hub last said it holds; the wait
     * doubles with each stall in a row, up to 32 times.
     */
    static final Duration STALLED = Duration.ofSeconds(5);

    /** A photo on its way: its bytes, what the hub holds of it, and where the next piece starts. */
    private static final class Upload {
        final Photo photo;
        final byte[] jpeg;
        long held;
        int next;
        Instant moved;
        /** Whether the hub has said what it holds: until it has, one piece goes, so a resumed photo is not resent. */
        boolean heard;
        /** Stalls in a row: each doubles the wait before the pieces go again (a hub away or busy is not flooded). */
        int stalls;

        Upload(Photo photo, byte[] jpeg, Instant now) {
            this.photo = photo;
            this.jpeg = jpeg;
            this.moved = now;
        }
    }

    private final String election;
    private final String deviceId;
    private final Outbox outbox;
    private final FormPhotos files;
    private final Sender.Publisher publisher;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final Map<String, Hold> held = new HashMap<>();
    /** Photos whose file is missing or not the bytes signed: told once, not sent. */
    private final Set<String> unreadable = new HashSet<>();
    private final Map<String, CompletableFuture<Void>> waiters = new ConcurrentHashMap<>();
    private Upload current;
    private java.util.concurrent.ScheduledFuture<?> ticker;

    public PhotoUploads(String election, String deviceId, Outbox outbox, FormPhotos files,
                        Sender.Publisher publisher, Clock clock, ScheduledExecutorService executor) {
        this.election = election;
        this.deviceId = deviceId;
        this.outbox = outbox;
        this.files = files;
        this.publisher = publisher;
        this.clock = clock;
        this.executor = executor;
    }

    public void start() {
        ticker = executor.scheduleWithFixedDelay(this::pumpSafely, 1, 1, TimeUnit.SECONDS);
    }

    /** After a new connection: what was in flight is gone; go on from what the hub says it holds. */
    public void connected() {
        executor.execute(() -> {
            if (current != null) {
                current.next = (int) current.held;
                current.moved = clock.instant();
            }
            pumpSafely();
        });
    }

    /** Wakes the uploads now (a result was answered). */
    public void wake() {
        executor.execute(this::pumpSafely);
    }

    public void answer(byte[] payload) {
        executor.execute(() -> handle(payload));
    }

    /** Completes when the hub keeps the photo {@code sha256} (at once if it already did). */
    public CompletableFuture<Void> awaitKept(String sha256) {
        CompletableFuture<Void> f = waiters.computeIfAbsent(sha256, k -> new CompletableFuture<>());
        executor.execute(() -> {
            if (outbox.keptPhotos().contains(sha256)) {
                complete(sha256);
            }
        });
        return f;
    }

    /** The photos of answered results not yet kept by the hub, oldest result first. */
    public static Map<String, Photo> unsent(Outbox outbox) {
        Set<String> kept = outbox.keptPhotos();
        Map<String, Photo> unsent = new java.util.LinkedHashMap<>();
        for (OutboxEntry e : outbox.answered(Topics.RESULT)) {
            photoOf(e).filter(p -> !kept.contains(p.sha256())).ifPresent(p -> unsent.put(p.sha256(), p));
        }
        return unsent;
    }

    /** The photo a result message binds, when it has one. */
    public static Optional<Photo> photoOf(OutboxEntry e) {
        try {
            return MessageCodec.decodeReport(Jws.parse(e.jws().getBytes(StandardCharsets.US_ASCII)).payload())
                    instanceof ResultReport r && r.photo() != null && r.photo().taken() ? Optional.of(r.photo())
                    : Optional.empty();
        } catch (RuntimeException ex) {
            return Optional.empty(); // the unit's own signed message: well formed
        }
    }

    private void pumpSafely() {
        try {
            pump();
        } catch (RuntimeException e) {
            LOG.error("[{}] sending the form photos failed", deviceId, e);
        }
    }

    private void pump() {
        if (!publisher.isConnected()) {
            return;
        }
        Instant now = clock.instant();
        if (current == null && (current = next(now)) == null) {
            return;
        }
        Upload u = current;
        if (Duration.between(u.moved, now).compareTo(STALLED.multipliedBy(1L << Math.min(u.stalls, 5))) > 0) {
            u.next = (int) u.held; // answers lost, or pieces dropped by a busy hub: from what it holds
            u.moved = now;
            u.stalls++;
        }
        String topic = Topics.report(election, deviceId, Topics.PHOTO);
        int window = u.heard ? WINDOW : 1;
        while (u.next < u.jpeg.length && u.next < u.held + (long) window * PhotoPiece.MAX_DATA) {
            PhotoPiece piece = PhotoPiece.of(u.photo.sha256(), u.jpeg, u.next);
            if (!publisher.publishOnce(topic, piece.encode())) {
                return;
            }
            u.next = piece.end();
        }
    }

    /** The next photo to send, read from its file and checked against the hash signed; null when none. */
    private Upload next(Instant now) {
        for (Photo p : unsent(outbox).values()) {
            Hold hold = held.get(p.sha256());
            if (unreadable.contains(p.sha256()) || hold != null && hold.holds(now)) {
                continue;
            }
            try {
                byte[] jpeg = Files.readAllBytes(files.file(p));
                if (Photo.of(jpeg).equals(p)) {
                    LOG.info("[{}] sending the photo of the form {} ({} bytes)", deviceId, p.sha256(), jpeg.length);
                    return new Upload(p, jpeg, now);
                }
                LOG.error("[{}] the photo file {} is not the photo the result signed: it is not sent", deviceId,
                        files.file(p));
            } catch (IOException e) {
                LOG.error("[{}] the photo the result signed cannot be read ({}): it is not sent", deviceId,
                        e.toString());
            }
            unreadable.add(p.sha256());
        }
        return null;
    }

    private void handle(byte[] payload) {
        PhotoAnswer a;
        try {
            a = Json.mapper().readValue(payload, PhotoAnswer.class);
        } catch (IOException | RuntimeException e) {
            LOG.warn("[{}] ignored an unreadable answer to a photo: {}", deviceId, e.getMessage());
            return;
        }
        if (a.status() == PhotoAnswer.Status.KEPT && a.sha256() != null && unsent(outbox).containsKey(a.sha256())) {
            outbox.photoKept(a.sha256(), clock.instant());
            LOG.info("[{}] the hub keeps the photo of the form {}", deviceId, a.sha256());
            complete(a.sha256());
        }
        Upload u = current;
        if (u == null || !u.photo.sha256().equals(a.sha256())) {
            pumpSafely();
            return;
        }
        switch (a.status()) {
            case KEPT -> current = null;
            case PARTIAL -> {
                u.heard = true;
                if (a.have() != u.held) {
                    u.moved = clock.instant();
                    u.stalls = 0;
                }
                u.held = a.have();
                u.next = (int) Math.max(u.next, a.have());
            }
            case REFUSED -> {
                Hold hold = Hold.after(held.get(u.photo.sha256()), clock.instant());
                held.put(u.photo.sha256(), hold);
                LOG.warn("[{}] the hub refused the photo {} ({}: {}): kept, sent again in {} s", deviceId,
                        u.photo.sha256(), a.reason(), a.detail(), hold.pause().toSeconds());
                current = null;
            }
        }
        pumpSafely();
    }

    private void complete(String sha256) {
        CompletableFuture<Void> f = waiters.remove(sha256);
        if (f != null) {
            f.complete(null);
        }
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        waiters.values().forEach(f -> f.cancel(false));
    }
}
