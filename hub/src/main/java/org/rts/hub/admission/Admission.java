package org.rts.hub.admission;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.rts.hub.health.Health;
import org.rts.hub.health.HubMetrics;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Inbound;
import org.rts.hub.validation.Verification;
import org.rts.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's door: takes each message from the source without blocking it, applies the units' rate limits, sends a
 * unit's health and the pieces of its form's photo elsewhere, keeps reports in a bounded inbox in arrival order and authenticates them on its pool a
 * little ahead of the ordered intake, which takes them a batch at a time ({@link #take}).
 *
 * <p>A report that does not fit the inbox is refused with every later one of its connection (so that no unit's
 * later message overtakes an earlier one); once the inbox has drained, {@code redeliver} asks the source for them
 * again, in order. At most {@link #VERIFY_AHEAD} messages are authenticated or being authenticated ahead of the
 * intake: a broker that pushes its whole backlog costs the hub memory for the bytes, not work done long before it
 * is needed.
 */
public final class Admission {
    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
    /** Messages authenticated, or being authenticated, ahead of the ordered stage at most. */
    public static final int VERIFY_AHEAD = 4 * 256;

    /** A report admitted, its authentication started on the pool a little ahead of the intake. */
    public record Admitted(Delivery delivery, Topics.Address address,
                           CompletableFuture<Verification.Verified> verified, long arrivedNanos, AtomicBoolean started) {
    }

    /** How much the door lets in: per unit, a burst then a rate; in all, messages and bytes waiting. */
    public record Limits(int burst, double perSecond, int queueCapacity, long queueBytes) {
    }

    private final Verification verification;
    private final Predicate<Delivery> beside;
    private final Runnable redeliver;
    private final ExecutorService pool;
    private final Health health;
    private final HubMetrics metrics;
    private final Clock clock;
    private final RateLimiter limiter;
    private final Inbox<Admitted> inbox;
    /** Reports of the inbox whose authentication has not started, oldest first. */
    private final ConcurrentLinkedQueue<Admitted> unverified = new ConcurrentLinkedQueue<>();
    /** Reports started on the pool and not yet taken by the intake. */
    private final AtomicInteger verifying = new AtomicInteger();
    private volatile boolean open = true;
    /** The connection whose messages are refused from the first one that did not fit the inbox on. */
    private volatile long refusedConnection;

    /**
     * @param beside     takes a unit's telemetry, presence or photo piece, or drops it (false); never blocks
     * @param redeliver  asks the source to deliver again what was refused while the inbox was full
     */
    public Admission(Limits limits, Verification verification, Predicate<Delivery> beside, Runnable redeliver,
                     ExecutorService pool, Health health, HubMetrics metrics, Clock clock) {
        this.verification = verification;
        this.beside = beside;
        this.redeliver = redeliver;
        this.pool = pool;
        this.health = health;
        this.metrics = metrics;
        this.clock = clock;
        this.limiter = new RateLimiter(limits.burst(), limits.perSecond(), System::nanoTime);
        this.inbox = new Inbox<>(limits.queueCapacity(), limits.queueBytes());
    }

    /** On the source's thread: never blocks. False means "not taken now" (the source delivers it again). */
    public boolean offer(Delivery d) {
        Topics.Address address = Topics.parse(d.topic()).orElse(null);
        String device = address == null ? "" : address.deviceId();
        if (address != null && besideReports(address.kind())) {
            // a unit's health and photo never wait behind reports, and a flood of them never spends a unit's report
            // allowance
            if (!beside.test(d)) {
                health.rateLimited();
                // telemetry is replaced by the next one; a lost presence shows as silence; a photo's piece is sent
                // again by its unit, which goes on from what the hub last said it holds
                d.ack();
            }
            return true;
        }
        if (!limiter.tryAcquire(device)) {
            health.rateLimited();
            d.ack(); // spent allowance: dropped unread; a genuine unit keeps the message and sends it again
            return true;
        }
        if (!open || (d.connection() >= 0 && d.connection() <= refusedConnection)) {
            // closing (the source keeps it), or the rest of a connection that overflowed the inbox
            return false;
        }
        Admitted a = new Admitted(d, address, new CompletableFuture<>(), System.nanoTime(), new AtomicBoolean());
        if (!inbox.offer(a, d.payload().length)) {
            if (d.connection() >= 0) {
                refusedConnection = d.connection();
            }
            return false;
        }
        unverified.add(a);
        verifyAhead();
        return true;
    }

    /**
     * For the ordered intake: the oldest reports, up to {@code max}, waiting up to {@code timeoutMillis} for the
     * first; empty when none came. Each one's authentication is under way or done.
     */
    public List<Admitted> take(int max, long timeoutMillis) throws InterruptedException {
        if (inbox.drainedAfterOverflow()) {
            redeliver.run();
        }
        Admitted first = inbox.poll(timeoutMillis);
        if (first == null) {
            return List.of();
        }
        List<Admitted> batch = new ArrayList<>();
        batch.add(first);
        inbox.drainTo(batch, max - 1);
        batch.forEach(this::verify); // those the pool has not reached yet
        verifying.addAndGet(-batch.size());
        verifyAhead();
        return batch;
    }

    /** Reports waiting for the intake. */
    public int waiting() {
        return inbox.size();
    }

    /** Logs the units over their rate limit in the last period and forgets the idle ones. */
    public void sweep() {
        limiter.sweep().forEach((device, n) -> LOG.warn("[{}] over its rate limit: {} messages dropped unread in"
                + " the last minute (a genuine unit sends them again)", device, n));
    }

    /** Takes nothing more; what is waiting was never acknowledged, and the source delivers it again. */
    public void close() {
        open = false;
        inbox.clear();
        unverified.clear();
    }

    private void verifyAhead() {
        while (verifying.get() < VERIFY_AHEAD) {
            Admitted a = unverified.poll();
            if (a == null) {
                return;
            }
            verify(a);
        }
    }

    /** Starts authenticating {@code a} on the pool, unless it is already under way. */
    private void verify(Admitted a) {
        if (!a.started().compareAndSet(false, true)) {
            return;
        }
        verifying.incrementAndGet();
        Delivery d = a.delivery();
        pool.execute(() -> {
            try {
                long started = System.nanoTime();
                a.verified().complete(verification.verify(Inbound.bounded(d.topic(), d.payload(),
                        Authenticator.MAX_BYTES, d.path()), a.address(), clock.instant()));
                metrics.verified((System.nanoTime() - started) / 1e9);
            } catch (RuntimeException e) {
                a.verified().completeExceptionally(e);
            }
        });
    }

    private static boolean besideReports(String kind) {
        return kind.equals(Topics.TELEMETRY) || kind.equals(Topics.PRESENCE) || kind.equals(Topics.PHOTO);
    }
}
