package org.rts.hub.forward;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.rts.hub.StoreException;
import org.rts.hub.store.ForwardQueue;
import org.rts.protocol.codec.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one upstream's queue, oldest first, at least once: a message leaves the queue only when the upstream
 * took it (or refused it for good). When the upstream cannot take one, the forwarder backs off (1 s doubling to
 * 5 min, or the upstream's {@code Retry-After}) and tries again from that message, so a tally centre down for hours
 * gets everything, in order, when it returns. A hub restart resumes from the store.
 *
 * <p>An upstream that refuses a message (HTTP 403 from a proxy while the tally centre is redeployed) is treated the
 * same way for {@code refusedFor} from its first refusal, while {@link #refusing()} tells the operations room;
 * only a message refused past that bound is marked refused, kept in the store for review and for
 * {@code hub forward-requeue}. A delivery ends the refusal.
 */
public final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final int BATCH = 64;
    private static final long LEASE_MILLIS = 120_000;
    /** Room between a delivery's worst end and its claim's end (clocks of two hubs, the store's own time). */
    private static final long LEASE_MARGIN_MILLIS = 10_000;
    private static final long IDLE_MILLIS = 1_000;
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    private static final long LAG_LOG_MILLIS = 30_000;
    /** A refusal this long after the previous one starts a new refusal: the upstream was not tried in between. */
    private static final long REFUSAL_GAP_MILLIS = 2 * MAX_BACKOFF.toMillis();

    private final ForwardQueue store;
    private final Upstream upstream;
    private final String holder;
    private final String election;
    private final Clock clock;
    private final Duration refusedFor;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile boolean running = true;
    private boolean pending;
    private long lastLagLog;
    private volatile Refusing refusing;

    /**
     * An upstream refusing messages since {@code since}, its latest answer {@code answer}; a message it refuses
     * from {@code until} on is marked refused.
     */
    public record Refusing(String upstream, String answer, Instant since, Instant until, Instant last) {
    }

    public Forwarder(ForwardQueue store, Upstream upstream, String holder, String election, Clock clock) {
        this(store, upstream, holder, election, clock, Forwarding.DEFAULT_REFUSED_FOR);
    }

    /**
     * {@code holder} names this hub in the queue's leases (its MQTT client id); the queue is closed with it.
     * {@code refusedFor}: how long refusals are tried again before a refused message is marked refused.
     */
    public Forwarder(ForwardQueue store, Upstream upstream, String holder, String election, Clock clock,
                     Duration refusedFor) {
        this.refusedFor = refusedFor;
        this.store = store;
        this.upstream = upstream;
        this.holder = holder;
        this.election = election;
        this.clock = clock;
        if (upstream.longestDelivery().toMillis() + LEASE_MARGIN_MILLIS >= LEASE_MILLIS) {
            throw new IllegalArgumentException("a delivery to " + upstream.name() + " may take "
                    + upstream.longestDelivery().toSeconds() + " s, longer than a claim on the queue allows ("
                    + (LEASE_MILLIS - LEASE_MARGIN_MILLIS) / 1000 + " s): shorten its timeouts");
        }
        this.thread = Thread.ofPlatform().name("hub-forward-" + upstream.name()).daemon().unstarted(this::loop);
    }

    public Forwarder start() {
        thread.start();
        return this;
    }

    /** Something new was queued: look now rather than at the next poll. */
    public void wake() {
        lock.lock();
        try {
            pending = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    public String upstream() {
        return upstream.name();
    }

    /** The refusal in progress, or empty while the upstream takes messages. */
    public Optional<Refusing> refusing() {
        return Optional.ofNullable(refusing);
    }

    private void loop() {
        long backoffUntil = 0;
        while (running) {
            long now = clock.millis();
            long wait = IDLE_MILLIS;
            if (now >= backoffUntil) {
                try {
                    long retryAt = round(now);
                    backoffUntil = retryAt;
                    wait = retryAt > now ? retryAt - now : (retryAt == 0 ? IDLE_MILLIS : 0);
                } catch (StoreException e) {
                    LOG.warn("forwarding to {}: cannot read its queue ({}); trying again", upstream.name(),
                            e.getMessage());
                    wait = IDLE_MILLIS;
                } catch (RuntimeException e) {
                    LOG.error("forwarding to {} failed unexpectedly; trying again", upstream.name(), e);
                    wait = IDLE_MILLIS;
                }
                logLag();
            } else {
                wait = backoffUntil - now;
            }
            sleep(wait);
        }
    }

    /**
     * Delivers what is due; returns 0 when the queue ran dry (wait for more), the current time when more may be
     * due at once, or the time to try again after a failure.
     */
    private long round(long now) {
        List<ForwardQueue.Entry> due = store.claim(upstream.name(), holder, now, LEASE_MILLIS, BATCH);
        if (due.isEmpty()) {
            return 0;
        }
        // a delivery starts only if it ends, at worst, before the claim does: another hub never takes over a
        // message this one may still be sending, and never sends ahead of it
        long lastStart = now + LEASE_MILLIS - upstream.longestDelivery().toMillis() - LEASE_MARGIN_MILLIS;
        for (int i = 0; i < due.size(); i++) {
            ForwardQueue.Entry f = due.get(i);
            if (clock.millis() > lastStart) {
                for (ForwardQueue.Entry rest : due.subList(i, due.size())) {
                    store.putBack(rest.id(), clock.millis());
                }
                return now; // claim them again at once, under a fresh lease
            }
            ForwardedMessage message = message(f);
            Upstream.Outcome outcome = upstream.deliver(message, body(message));
            long at = clock.millis();
            switch (outcome) {
                case Upstream.Delivered d -> {
                    store.delivered(f.id(), at);
                    if (refusing != null) {
                        LOG.info("forwarding to {}: taking messages again, refused since {}", upstream.name(),
                                refusing.since());
                        refusing = null;
                    }
                }
                case Upstream.Refused r -> {
                    Refusing streak = refused(r.why(), at);
                    if (at < streak.until().toEpochMilli()) {
                        // perhaps a proxy in front of a tally centre being redeployed: tried again, in order
                        long retryAt = at + delay(f.attempts(), null).toMillis();
                        if (f.attempts() == 0 || f.attempts() % 10 == 0) {
                            LOG.warn("forwarding to {}: refused ({}) since {}; trying again until {}, then a"
                                    + " refused message is marked refused", upstream.name(), r.why(),
                                    streak.since(), streak.until());
                        }
                        store.later(f.id(), retryAt, r.why());
                        for (ForwardQueue.Entry rest : due.subList(i + 1, due.size())) {
                            store.putBack(rest.id(), retryAt);
                        }
                        return retryAt;
                    }
                    LOG.warn("forwarding to {}: message {} of {} refused since {}, marked refused (kept for review;"
                            + " 'hub forward-requeue' sends it again): {}", upstream.name(), f.hash(), f.device(),
                            streak.since(), r.why());
                    store.refused(f.id(), at, r.why());
                }
                case Upstream.Retry r -> {
                    Duration delay = delay(f.attempts(), r.after());
                    long retryAt = at + delay.toMillis();
                    if (f.attempts() == 0 || f.attempts() % 10 == 0) {
                        LOG.warn("forwarding to {}: cannot deliver now ({}); trying again in {} s", upstream.name(),
                                r.why(), delay.toSeconds());
                    }
                    store.later(f.id(), retryAt, r.why());
                    // the rest of the batch waits for this one: the upstream gets messages in order
                    for (ForwardQueue.Entry rest : due.subList(i + 1, due.size())) {
                        store.putBack(rest.id(), retryAt);
                    }
                    return retryAt;
                }
            }
            if (!running) {
                break;
            }
        }
        return now;
    }

    /** Notes a refusal at {@code at}: the one in progress goes on, or a new one starts. */
    private Refusing refused(String answer, long at) {
        Refusing r = refusing;
        Instant now = Instant.ofEpochMilli(at);
        r = r == null || at - r.last().toEpochMilli() > REFUSAL_GAP_MILLIS
                ? new Refusing(upstream.name(), answer, now, now.plus(refusedFor), now)
                : new Refusing(upstream.name(), answer, r.since(), r.until(), now);
        refusing = r;
        return r;
    }

    /** 1 s doubling per attempt up to 5 min, with a tenth of jitter; an upstream's own wish up to an hour. */
    static Duration delay(int attempts, Duration requested) {
        if (requested != null) {
            return requested.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER
                    : requested.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : requested;
        }
        long millis = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(attempts, 20));
        return Duration.ofMillis(millis + ThreadLocalRandom.current().nextLong(millis / 10 + 1));
    }

    private ForwardedMessage message(ForwardQueue.Entry f) {
        return new ForwardedMessage(f.hash(), election, f.kind(), f.device(), f.station(), f.jws(),
                f.receipt() == null ? null : new String(f.receipt(), StandardCharsets.US_ASCII));
    }

    private static byte[] body(ForwardedMessage m) {
        try {
            return Json.mapper().writeValueAsBytes(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void logLag() {
        long now = clock.millis();
        if (now - lastLagLog < LAG_LOG_MILLIS) {
            return;
        }
        lastLagLog = now;
        try {
            ForwardQueue.Lag lag = store.lag(upstream.name());
            if (lag.pending() > 0) {
                LOG.info("forwarding to {}: {} messages waiting, the oldest for {} s; {} delivered, {} refused",
                        upstream.name(), lag.pending(), (now - lag.oldestEnqueuedAt()) / 1000, lag.delivered(),
                        lag.refused());
            }
        } catch (StoreException e) {
            LOG.debug("forwarding lag not read: {}", e.getMessage());
        }
    }

    private void sleep(long millis) {
        lock.lock();
        try {
            if (!pending && running && millis > 0) {
                wake.await(millis, TimeUnit.MILLISECONDS);
            }
            pending = false;
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Stops after the delivery in progress; what is not delivered stays queued for the next start. */
    @Override
    public void close() {
        running = false;
        wake();
        try {
            thread.join(Duration.ofSeconds(35));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        upstream.close();
        store.close();
    }
}
