package org.rts.agent.transmission;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>A {@code SEQUENCE_GAP} rejection is not final: the hub did not keep the message. Its predecessors are sent
 * again at once and the message itself after {@code resendAfter}.
 */
public final class Sender implements AgentLink.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

    /** Publishes bytes on a topic; false when it could not (not connected). */
    public interface Publisher {
        boolean publish(String topic, byte[] payload);

        boolean isConnected();
    }

    /** A message and the hub's verified receipt for it. */
    public record Answer(OutboxEntry entry, Receipt receipt) {
    }

    private final String deviceId;
    private final Outbox outbox;
    private final Publisher publisher;
    private final ReceiptVerifier verifier;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final int window;
    private final Duration resendAfter;
    private final Map<String, Instant> inFlight = new LinkedHashMap<>();
    private final Map<String, CompletableFuture<Answer>> waiters = new ConcurrentHashMap<>();
    private ScheduledFuture<?> ticker;

    public Sender(String deviceId, Outbox outbox, Publisher publisher, ReceiptVerifier verifier, Clock clock,
                  ScheduledExecutorService executor, int window, Duration resendAfter) {
        if (window < 1) {
            throw new IllegalArgumentException("in-flight window must be >= 1, found: " + window);
        }
        this.deviceId = deviceId;
        this.outbox = outbox;
        this.publisher = publisher;
        this.verifier = verifier;
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
            inFlight.clear();
            pumpSafely();
        });
    }

    @Override
    public void receipt(byte[] payload) {
        executor.execute(() -> handleReceipt(payload));
    }

    /** Completes when the receipt for {@code hash} is recorded (at once if it already is). */
    public CompletableFuture<Answer> await(String hash) {
        CompletableFuture<Answer> future = waiters.computeIfAbsent(hash, h -> new CompletableFuture<>());
        executor.execute(() -> completeIfAnswered(hash));
        return future;
    }

    private void completeIfAnswered(String hash) {
        outbox.byHash(hash).filter(e -> !e.pending()).ifPresent(e -> {
            CompletableFuture<Answer> f = waiters.remove(hash);
            if (f != null) {
                f.complete(new Answer(e, verifier.verify(e.receipt().getBytes(StandardCharsets.US_ASCII))));
            }
        });
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
        inFlight.keySet().retainAll(pending.stream().map(OutboxEntry::hash).collect(Collectors.toSet()));
        for (OutboxEntry e : pending) {
            Instant sentAt = inFlight.get(e.hash());
            if (sentAt != null && Duration.between(sentAt, now).compareTo(resendAfter) < 0) {
                continue;
            }
            if (sentAt == null && inFlight.size() >= window) {
                break;
            }
            if (!publisher.publish(Topics.report(deviceId, e.kind()), e.jws().getBytes(StandardCharsets.US_ASCII))) {
                break;
            }
            inFlight.put(e.hash(), now);
            outbox.markSent(e.seq(), now);
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
        if (!receipt.accepted() && receipt.reasons().stream().allMatch(f -> f.code().equals(Reason.SEQUENCE_GAP
                .name()))) {
            // an earlier message was lost on the way: send the earlier ones again now, this one on its timer
            LOG.warn("[{}] seq {} arrived before an earlier message; resending the earlier ones", deviceId,
                    entry.seq());
            inFlight.put(entry.hash(), clock.instant());
            outbox.pending().stream().filter(e -> e.seq() < entry.seq()).forEach(e -> inFlight.remove(e.hash()));
            pumpSafely();
            return;
        }
        inFlight.remove(entry.hash());
        if (entry.pending()) {
            String reasons = receipt.reasons().stream().map(Finding::toString).collect(Collectors.joining("; "));
            outbox.recordReceipt(entry.hash(), receipt.status().name(), receipt.code(), reasons,
                    new String(payload, StandardCharsets.US_ASCII), clock.instant());
            LOG.info("[{}] seq {} {} by the hub, receipt {}", deviceId, entry.seq(), receipt.status(),
                    receipt.code());
        }
        CompletableFuture<Answer> waiter = waiters.remove(entry.hash());
        if (waiter != null) {
            waiter.complete(new Answer(outbox.byHash(entry.hash()).orElse(entry), receipt));
        }
        pumpSafely();
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
