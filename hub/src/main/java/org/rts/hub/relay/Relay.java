package org.rts.hub.relay;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.rts.hub.admission.Delivery;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.merkle.LoggedReceipt;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.Report;
import org.rts.protocol.relay.RelayParts;

/**
 * A signed message relayed by an observer's phone from a slip's QR codes, part by part, without a login: the parts
 * are held in memory until the message is whole, then it goes through the same admission and intake as the
 * broker's (same checks, same store, same receipt; recorded as come by {@code relay}). Trusted for nothing: a part
 * is checked against the message's hash only when all are there, and the message against its signature by the
 * intake. Bounded so that a flood neither fills the disk (nothing is stored before the intake) nor takes the
 * broker's reports' place: parts per address a minute, unfinished messages per address and in all, each
 * forgotten after {@link Limits#unfinishedFor}.
 */
public final class Relay {
    /** How much the relay takes. */
    public record Limits(int partsPerMinute, int unfinishedPerAddress, int unfinished, Duration unfinishedFor,
                         Duration answerWithin) {
        public static final Limits DEFAULT = new Limits(120, 4, 2_000, Duration.ofMinutes(10), Duration.ofSeconds(20));
    }

    /**
     * What the page is told: {@code state} waiting (with the parts held), answered (with the hub's {@code receipt}
     * as published), refused, busy.
     */
    public record Answer(int http, String state, Integer count, List<Integer> have, String status, String code,
                         List<String> reasons, String reason, String receipt) {
        static Answer waiting(int count, List<Integer> have) {
            return new Answer(200, "waiting", count, have, null, null, null, null, null);
        }

        static Answer refused(String reason) {
            return new Answer(400, "refused", null, null, null, null, null, reason, null);
        }

        static Answer busy(int http, String reason) {
            return new Answer(http, "busy", null, null, null, null, null, reason, null);
        }
    }

    private record Unfinished(String address, Instant since, Map<Integer, RelayParts.Part> parts) {
    }

    private final String election;
    private final ECPublicKeyParameters hubKey;
    private final Predicate<Delivery> admission;
    private final Limits limits;
    private final Clock clock;
    private final Map<String, Unfinished> unfinished = new LinkedHashMap<>();
    private final Map<String, int[]> perMinute = new HashMap<>();
    private long minute;

    /** {@code admission} takes a message as the broker's are taken (false: not now). */
    public Relay(String election, ECPublicKeyParameters hubKey, Predicate<Delivery> admission, Limits limits,
                 Clock clock) {
        this.election = election;
        this.hubKey = hubKey;
        this.admission = admission;
        this.limits = limits;
        this.clock = clock;
    }

    /** One code's text, from {@code address}: a part, or a whole message that fits one code. */
    public Answer take(String text, String address) {
        String jws;
        synchronized (this) {
            Instant now = clock.instant();
            if (!allowed(address, now)) {
                return Answer.busy(429, "more than " + limits.partsPerMinute() + " parts a minute from this address:"
                        + " wait a minute");
            }
            unfinished.values().removeIf(u -> u.since().plus(limits.unfinishedFor()).isBefore(now));
            if (!RelayParts.isPart(text)) {
                jws = text.strip();
            } else {
                RelayParts.Part part;
                try {
                    part = RelayParts.parse(text.strip());
                } catch (IllegalArgumentException e) {
                    return Answer.refused(e.getMessage());
                }
                Unfinished u = unfinished.get(part.hash());
                if (u == null) {
                    long mine = unfinished.values().stream().filter(x -> x.address().equals(address)).count();
                    if (mine >= limits.unfinishedPerAddress() || unfinished.size() >= limits.unfinished()) {
                        return Answer.busy(429, "too many unfinished messages: send the parts of one message before"
                                + " another's");
                    }
                    u = new Unfinished(address, now, new TreeMap<>());
                    unfinished.put(part.hash(), u);
                }
                RelayParts.Part held = u.parts().values().stream().findFirst().orElse(part);
                if (held.count() != part.count()) {
                    return Answer.refused("part " + part.index() + " says " + part.count() + " parts, the parts held"
                            + " say " + held.count());
                }
                u.parts().putIfAbsent(part.index(), part);
                if (u.parts().size() < part.count()) {
                    return Answer.waiting(part.count(), List.copyOf(u.parts().keySet()));
                }
                unfinished.remove(part.hash());
                try {
                    jws = RelayParts.join(u.parts());
                } catch (IllegalArgumentException e) {
                    return Answer.refused(e.getMessage());
                }
            }
        }
        return decide(jws, "relay");
    }

    /**
     * A whole message to the intake as come by {@code path}, waiting for its receipt: the relay's, and a stick's
     * uploaded in the room.
     */
    public Answer decide(String jws, String path) {
        String topic;
        byte[] bytes = jws.getBytes(StandardCharsets.US_ASCII);
        try {
            Jws parsed = Jws.parse(bytes);
            Report report = MessageCodec.decodeReport(parsed.payload());
            if (!report.election().equals(election)) {
                return Answer.refused("a message of election " + report.election() + ", not " + election);
            }
            topic = Topics.report(election, report.device(), report.kind());
        } catch (RuntimeException e) {
            return Answer.refused("not a signed report: " + e.getMessage());
        }
        CompletableFuture<byte[]> receipt = new CompletableFuture<>();
        if (!admission.test(new Relayed(topic, bytes, path, receipt))) {
            return Answer.busy(503, "the hub is busy: send it again in a minute");
        }
        try {
            byte[] answer = receipt.get(limits.answerWithin().toMillis(), TimeUnit.MILLISECONDS);
            if (answer == null) {
                return Answer.busy(503, "the hub did not decide it now (its unit sent much at once): send it again"
                        + " in a minute");
            }
            Receipt r = LoggedReceipt.decode(answer).check(hubKey, election).receipt();
            return new Answer(200, "answered", null, null, r.status().name(), r.code(), r.reasons().stream()
                    .map(Object::toString).toList(), null, new String(answer, StandardCharsets.US_ASCII));
        } catch (TimeoutException e) {
            return Answer.busy(503, "no answer yet: the hub keeps it; send it again to see the receipt");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.busy(503, "stopping");
        } catch (ExecutionException | RuntimeException e) {
            return Answer.busy(503, "no answer: " + e.getMessage());
        }
    }

    private boolean allowed(String address, Instant now) {
        long m = now.getEpochSecond() / 60;
        if (m != minute) {
            perMinute.clear();
            minute = m;
        }
        if (perMinute.size() >= 100_000 && !perMinute.containsKey(address)) {
            return false;
        }
        return ++perMinute.computeIfAbsent(address, k -> new int[1])[0] <= limits.partsPerMinute();
    }

    /** A relayed message as the admission takes it: answered once, by its receipt or by nothing. */
    private record Relayed(String topic, byte[] payload, String path, CompletableFuture<byte[]> receipt)
            implements Delivery {
        @Override
        public long connection() {
            return -1;
        }

        @Override
        public void ack() {
            receipt.complete(null);
        }

        @Override
        public void answer(String receiptTopic, byte[] bytes) {
            receipt.complete(bytes);
        }
    }
}
