package org.rts.agent.transmission;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.rts.agent.AgentException;
import org.rts.agent.mqtt.AgentLink;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.protocol.Topics;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Receipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the outbox to the hub: publishes pending messages oldest first, at most {@code window} awaiting a receipt
 * at once, publishes again any message whose receipt has not come within {@code resendAfter} or after a
 * reconnect, and records each verified receipt. All its state is touched on one executor thread.
 *
 * <p>A receipt counts only for the message it names, sent where it was sent: a receipt for a copy of the message
 * on another topic is ignored. Only a chained receipt is final. Otherwise:
 * <ul>
 *   <li>{@code SEQUENCE_GAP}, {@code SEQUENCE_REPLAY}, {@code CHAIN_BROKEN} for a message with earlier ones still
 *       pending: those are sent again at once, this one as soon as they are answered (with several hubs sharing
 *       the work, the next message can reach a hub before the one before it is stored by another);</li>
 *   <li>a {@code SEQUENCE_GAP} for the oldest pending message against a head older than the unit's last confirmed
 *       message: decided by a hub before another stored that message; it is sent again;</li>
 *   <li>otherwise the same for the oldest pending message: the unit's chain and the hub's went apart, so the chain restarts
 *       after the hub's head ({@link ChainKeeper#resync}) and the pending messages follow, signed again;</li>
 *   <li>any other reason (the hub could not authenticate the message: unknown certificate, revoked, ...): the
 *       message is held, later ones wait behind it, and it is sent again after a growing pause, since the cause
 *       may be mended at the hub (a registry update). Those waiting for it are told.</li>
 * </ul>
 */
public final class Sender implements AgentLink.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

    /** Publishes bytes on a topic; false when it could not (not connected). */
    public interface Publisher {
        boolean publish(String topic, byte[] payload);

        /**
         * Publishes at most once (QoS 0): for what is answered piece by piece and sent again when no answer comes,
         * which a broker then never queues for an absent hub. By default as {@link #publish}.
         */
        default boolean publishOnce(String topic, byte[] payload) {
            return publish(topic, payload);
        }

        boolean isConnected();
    }

    /** Restarts the chain after the hub's head; returns each re-signed message's old hash with its new entry. */
    public interface ChainKeeper {
        Map<String, OutboxEntry> resync(ChainPosition hubHead);
    }

    /** A message and the hub's verified receipt for it; {@link #held()} when the receipt is not final. */
    public record Answer(OutboxEntry entry, Receipt receipt) {
        public boolean held() {
            return !receipt.isFinal();
        }
    }

    private final String election;
    private final String deviceId;
    private final Outbox outbox;
    private final Publisher publisher;
    private final ReceiptVerifier verifier;
    private final ChainKeeper chain;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final int window;
    private final Duration resendAfter;
    private final Map<String, Instant> inFlight = new LinkedHashMap<>();
    /** Messages answered with a gap while earlier ones were pending: sent again when they are the oldest. */
    private final Set<String> afterEarlier = new HashSet<>();
    private final Map<String, Hold> held = new HashMap<>();
    private final Map<String, CompletableFuture<Answer>> waiters = new ConcurrentHashMap<>();
    private volatile String refusedBy;
    private ScheduledFuture<?> ticker;

    public Sender(String election, String deviceId, Outbox outbox, Publisher publisher, ReceiptVerifier verifier,
                  ChainKeeper chain, Clock clock, ScheduledExecutorService executor, int window,
                  Duration resendAfter) {
        if (window < 1) {
            throw new IllegalArgumentException("in-flight window must be >= 1, found: " + window);
        }
        this.election = election;
        this.deviceId = deviceId;
        this.outbox = outbox;
        this.publisher = publisher;
        this.verifier = verifier;
        this.chain = chain;
        this.clock = clock;
        this.executor = executor;
        this.window = window;
        this.resendAfter = resendAfter;
    }

    /** Starts the periodic check for messages to (re)send. */
    public void start() {
        ticker = executor.scheduleWithFixedDelay(this::pumpSafely, 0, 1, TimeUnit.SECONDS);
    }

    /** Wakes the sender now (after a new message was committed). */
    public void wake() {
        executor.execute(this::pumpSafely);
    }

    @Override
    public void connected() {
        executor.execute(() -> {
            refusedBy = null;
            inFlight.clear();
            pumpSafely();
        });
    }

    @Override
    public void refused(String why) {
        refusedBy = why;
        for (String hash : List.copyOf(waiters.keySet())) {
            CompletableFuture<Answer> f = waiters.remove(hash);
            if (f != null) {
                f.completeExceptionally(new BrokerRefusedException(why));
            }
        }
    }

    @Override
    public void receipt(byte[] payload) {
        executor.execute(() -> handleReceipt(payload));
    }

    /**
     * Completes when the receipt for {@code hash} is recorded (at once if it already is), or when the hub holds the
     * message back; fails with {@link BrokerRefusedException} when the broker refuses this unit.
     */
    public CompletableFuture<Answer> await(String hash) {
        CompletableFuture<Answer> future = waiters.computeIfAbsent(hash, h -> new CompletableFuture<>());
        String refused = refusedBy;
        if (refused != null) {
            waiters.remove(hash);
            future.completeExceptionally(new BrokerRefusedException(refused));
            return future;
        }
        executor.execute(() -> completeIfAnswered(hash));
        return future;
    }

    private void completeIfAnswered(String hash) {
        outbox.byHash(hash).ifPresent(e -> Optional.ofNullable(e.receipt()).ifPresent(receipt -> complete(e,
                verifier.verify(receipt.getBytes(StandardCharsets.US_ASCII)))));
    }

    private void complete(OutboxEntry entry, Receipt receipt) {
        CompletableFuture<Answer> f = waiters.remove(entry.hash());
        if (f != null) {
            f.complete(new Answer(entry, receipt));
        }
    }

    private void pumpSafely() {
        try {
            pump();
        } catch (RuntimeException e) {
            LOG.error("[{}] sending from the outbox failed", deviceId, e);
        }
    }

    private void pump() {
        if (!publisher.isConnected()) {
            return;
        }
        Instant now = clock.instant();
        List<OutboxEntry> pending = outbox.pending();
        var live = pending.stream().map(OutboxEntry::hash).collect(Collectors.toSet());
        inFlight.keySet().retainAll(live);
        held.keySet().retainAll(live);
        afterEarlier.retainAll(live);
        for (OutboxEntry e : pending) {
            Hold hold = held.get(e.hash());
            if (hold != null && hold.holds(now)) {
                break; // later messages would only be answered with a gap
            }
            if (afterEarlier.contains(e.hash())) {
                if (e != pending.get(0)) {
                    continue; // answered with a gap: goes again once every earlier message is answered
                }
                afterEarlier.remove(e.hash());
            }
            Instant sentAt = inFlight.get(e.hash());
            if (sentAt != null && Duration.between(sentAt, now).compareTo(resendAfter) < 0) {
                continue;
            }
            if (sentAt == null && inFlight.size() >= window) {
                break;
            }
            if (!publisher.publish(Topics.report(election, deviceId, e.kind()),
                    e.jws().getBytes(StandardCharsets.US_ASCII))) {
                break;
            }
            inFlight.put(e.hash(), now);
            outbox.markSent(e.id(), now);
            LOG.info("[{}] sent seq {} ({}), attempt {}", deviceId, e.seq(), e.kind(), e.attempts() + 1);
        }
    }

    private void handleReceipt(byte[] payload) {
        Receipt receipt;
        try {
            receipt = verifier.verify(payload);
        } catch (AgentException e) {
            LOG.warn("[{}] ignored a receipt: {}", deviceId, e.getMessage());
            return;
        }
        OutboxEntry entry = outbox.byHash(receipt.msg()).orElse(null);
        if (entry == null) {
            LOG.warn("[{}] receipt for a message this unit did not send ({}): {}", deviceId, receipt.msg(),
                    receipt.reasons());
            return;
        }
        String sentOn = Topics.report(election, deviceId, entry.kind());
        if (!receipt.topic().equals(sentOn)) {
            LOG.warn("[{}] ignored a receipt for a copy of seq {} published on {} (this unit sent it on {}): {}",
                    deviceId, entry.seq(), receipt.topic(), sentOn, receipt.reasons());
            return;
        }
        if (!entry.pending()) {
            LOG.debug("[{}] receipt for seq {}, already {}", deviceId, entry.seq(), entry.status());
            return;
        }
        if (receipt.isFinal()) {
            inFlight.remove(entry.hash());
            held.remove(entry.hash());
            String reasons = receipt.reasons().stream().map(Finding::toString).collect(Collectors.joining("; "));
            outbox.recordReceipt(entry.hash(), receipt.status().name(), receipt.code(), reasons,
                    new String(payload, StandardCharsets.US_ASCII), clock.instant());
            LOG.info("[{}] seq {} {} by the hub, receipt {}", deviceId, entry.seq(), receipt.status(),
                    receipt.code());
            complete(outbox.byHash(entry.hash()).orElse(entry), receipt);
        } else if (receipt.has(Reason.SEQUENCE_GAP) || receipt.has(Reason.SEQUENCE_REPLAY)
                || receipt.has(Reason.CHAIN_BROKEN)) {
            sequence(entry, receipt);
        } else {
            hold(entry, receipt);
        }
        pumpSafely();
    }

    private void sequence(OutboxEntry entry, Receipt receipt) {
        List<OutboxEntry> earlier = outbox.pending().stream().filter(e -> e.id() < entry.id()).toList();
        if (!earlier.isEmpty()) {
            // an earlier message has not reached the hub yet (lost, or decided by another hub a moment later):
            // it goes again now, this one as soon as the earlier ones are answered
            LOG.warn("[{}] seq {} answered {}; resending the {} earlier message(s) first", deviceId, entry.seq(),
                    receipt.reasons().get(0).code(), earlier.size());
            inFlight.remove(entry.hash());
            afterEarlier.add(entry.hash());
            earlier.forEach(e -> {
                inFlight.remove(e.hash());
                held.remove(e.hash());
            });
            return;
        }
        if (receipt.head() == null) {
            hold(entry, receipt);
            return;
        }
        if (receipt.has(Reason.SEQUENCE_GAP) && receipt.head().seq() < entry.seq() - 1) {
            // every earlier message has a final receipt, so the hub holds them: this answer was decided before the
            // one before it was stored (several hubs share the work); it goes again, the chain is whole
            LOG.warn("[{}] seq {} answered against the hub's seq {}, older than what the hub has confirmed; sending it"
                    + " again", deviceId, entry.seq(), receipt.head().seq());
            inFlight.remove(entry.hash());
            return;
        }
        LOG.warn("[{}] seq {} does not continue the hub's chain ({}); restarting the chain after the hub's seq {}",
                deviceId, entry.seq(), receipt.reasons().get(0), receipt.head().seq());
        Map<String, OutboxEntry> moved = chain.resync(receipt.head());
        moved.forEach((oldHash, fresh) -> {
            CompletableFuture<Answer> waiter = waiters.remove(oldHash);
            if (waiter != null) {
                waiters.put(fresh.hash(), waiter); // the same content, now at its new place
            }
        });
    }

    private void hold(OutboxEntry entry, Receipt receipt) {
        Hold hold = Hold.after(held.get(entry.hash()), clock.instant());
        held.put(entry.hash(), hold);
        inFlight.remove(entry.hash());
        String reasons = receipt.reasons().stream().map(Finding::toString).collect(Collectors.joining("; "));
        outbox.markHeld(entry.hash(), reasons, clock.instant());
        LOG.warn("[{}] the hub did not take seq {} ({}): kept, sent again in {} s", deviceId, entry.seq(), reasons,
                hold.pause().toSeconds());
        complete(entry, receipt);
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        Map<String, CompletableFuture<Answer>> open = new HashMap<>(waiters);
        open.values().forEach(f -> f.cancel(false));
    }
}
