package org.rts.hub.photo;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.rts.hub.StoreException;
import org.rts.hub.admission.Delivery;
import org.rts.hub.admission.RateLimiter;
import org.rts.hub.store.PhotoStore;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.Json;
import org.rts.protocol.message.Photo;
import org.rts.protocol.message.PhotoAnswer.Refusal;
import org.rts.protocol.message.PhotoAnswer;
import org.rts.protocol.message.PhotoPiece;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the pieces of the forms' photos, beside the reports and never in their way: its own bounded queue, its own
 * thread and store connection, a rate of its own per unit. A piece is stored only when it continues what the hub
 * holds of a photo that a result of the same unit names (hash and length); every piece is answered with what the
 * hub holds, so a unit resumes where the hub is, after a power cut or a lost connection, on either side. The whole
 * photo is kept only if its bytes have the SHA-256 the unit signed.
 *
 * <p>What one unit can make the hub store is bounded: pieces of photos no result names are not written, and the
 * unfinished photos of one unit hold at most {@link #UNFINISHED_BUDGET} bytes.
 */
public final class PhotoIntake implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PhotoIntake.class);
    /** Pieces one unit may send at once, then a rate: a 2 MiB photo (43 pieces) takes about 5 s. */
    static final int BURST = 16;
    static final double PER_SECOND = 8;
    /** Pieces waiting for the worker at most (each up to 48 KiB): beyond, they are dropped and sent again. */
    static final int QUEUE = 512;
    /** The bytes of one unit's unfinished photos the hub holds at most: two whole photos. */
    public static final long UNFINISHED_BUDGET = 2 * Photo.MAX_BYTES;
    private static final int KNOWN = 10_000;

    private final String election;
    private final PhotoStore store;
    private final Clock clock;
    private final RateLimiter limiter = new RateLimiter(BURST, PER_SECOND, System::nanoTime);
    private final BlockingQueue<Delivery> inbox = new LinkedBlockingQueue<>(QUEUE);
    /** The photos lately found named by a unit's result, so that each piece does not read the unit's chain. */
    private final Map<String, PhotoStore.Named> known = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PhotoStore.Named> eldest) {
            return size() > KNOWN;
        }
    };
    private final Thread worker = new Thread(this::work, "hub-photos");
    private volatile boolean running = true;

    public PhotoIntake(String election, PhotoStore store, Clock clock) {
        this.election = election;
        this.store = store;
        this.clock = clock;
        worker.setDaemon(true);
    }

    public void start() {
        worker.start();
    }

    /** On the source's thread: takes a piece, or false when its unit is over its rate or the queue is full. */
    public boolean offer(Delivery d) {
        String device = Topics.parse(d.topic()).map(Topics.Address::deviceId).orElse("");
        return limiter.tryAcquire(device) && inbox.offer(d);
    }

    /** Forgets the units idle for a while (their rate buckets). */
    public void sweep() {
        limiter.sweep();
    }

    private void work() {
        while (running) {
            Delivery d;
            try {
                d = inbox.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (d == null) {
                continue;
            }
            try {
                Topics.Address address = Topics.parse(d.topic()).orElseThrow();
                PhotoAnswer answer = answer(address.deviceId(), d.payload());
                d.answer(Topics.photoAnswer(election, address.deviceId()), Json.mapper().writeValueAsBytes(answer));
            } catch (StoreException e) {
                LOG.warn("a photo's piece on {} not stored ({}): its unit sends it again", d.topic(), e.getMessage());
                d.ack();
            } catch (JsonProcessingException | RuntimeException e) {
                LOG.error("a photo's piece on {} not handled", d.topic(), e);
                d.ack();
            }
        }
    }

    /** Decides on one piece, storing it when it continues the photo; package-private for the tests. */
    PhotoAnswer answer(String device, byte[] payload) {
        PhotoPiece piece;
        try {
            piece = PhotoPiece.decode(payload);
        } catch (ProtocolException e) {
            LOG.debug("[{}] malformed photo piece: {}", device, e.getMessage());
            return PhotoAnswer.refused(null, Refusal.MALFORMED, e.getMessage());
        }
        String sha = piece.sha256();
        PhotoStore.Named named = named(device, sha, piece.total());
        if (named == null) {
            LOG.debug("[{}] a piece of photo {} that no result of the unit names", device, sha);
            return PhotoAnswer.refused(sha, Refusal.PHOTO_UNKNOWN, "no result of " + device + " that the hub stored"
                    + " names a photo of SHA-256 " + sha + " and " + piece.total() + " bytes; a photo is sent after"
                    + " its result's receipt");
        }
        if (store.kept(sha)) {
            return PhotoAnswer.kept(sha, piece.total());
        }
        long held = store.held(device, sha);
        if (held == 0 && store.heldOther(device, sha) + piece.total() > UNFINISHED_BUDGET) {
            LOG.warn("[{}] photo {} refused: the unit's unfinished photos already hold {} bytes", device, sha,
                    store.heldOther(device, sha));
            return PhotoAnswer.refused(sha, Refusal.PHOTO_BUDGET, "the unit's unfinished photos hold more than the "
                    + UNFINISHED_BUDGET + " bytes the hub keeps for one unit; finish them first");
        }
        if (held < piece.total()) {
            if (piece.offset() != held) {
                return PhotoAnswer.partial(sha, held); // a repeat or a gap: the unit goes on from what is held
            }
            store.addPart(device, sha, piece.offset(), piece.data());
            if (piece.end() < piece.total()) {
                return PhotoAnswer.partial(sha, piece.end());
            }
        }
        // whole (now, or held whole by a hub that stopped before it kept it): kept only if the bytes signed
        byte[] jpeg = store.joined(device, sha);
        if (!Photo.of(jpeg).equals(named.photo())) {
            if (store.kept(sha)) {
                return PhotoAnswer.kept(sha, piece.total()); // another hub on the edge kept it a moment ago
            }
            store.dropParts(device, sha);
            LOG.warn("[{}] photo {} refused: its {} bytes do not have the SHA-256 the unit signed", device, sha,
                    jpeg.length);
            return PhotoAnswer.refused(sha, Refusal.PHOTO_MISMATCH, "the photo's " + jpeg.length + " bytes do not"
                    + " have the SHA-256 the result names; what was held is dropped, send it again from the start");
        }
        store.keep(named, jpeg, clock.instant());
        LOG.info("[{}] photo of the form of station {} race {} kept ({} bytes, SHA-256 {})", device,
                named.station(), named.race(), jpeg.length, sha);
        return PhotoAnswer.kept(sha, jpeg.length);
    }

    private PhotoStore.Named named(String device, String sha, int total) {
        String key = device + "/" + sha;
        PhotoStore.Named named = known.get(key);
        if (named == null) {
            named = store.named(device).stream().filter(n -> n.photo().sha256().equals(sha)).findFirst()
                    .orElse(null);
            if (named != null) {
                known.put(key, named);
            }
        }
        return named != null && named.photo().bytes() == total ? named : null;
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
