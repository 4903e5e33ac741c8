package org.rts.hub.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.intake.Intake;
import org.rts.hub.store.ForwardQueue;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.Json;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.TlsContexts;

/**
 * Forwarding from the store to an HTTP endpoint that answers as scripted: what is queued, when it is sent again,
 * what is kept for review, and that the queue survives a restart.
 */
class ForwarderTest {
    @TempDir
    Path dir;

    private TestElection election;
    private MessageStore store;
    private ForwardQueue queue;
    private Intake intake;
    private HttpServer server;
    private final ConcurrentLinkedQueue<String> keys = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ForwardedMessage> bodies = new ConcurrentLinkedQueue<>();
    private volatile IntFunction<Answer> script = n -> new Answer(200, null);
    private final AtomicInteger requests = new AtomicInteger();

    record Answer(int status, String retryAfter) {
    }

    String storeLocation() {
        return dir.resolve("hub.db").toString();
    }

    @BeforeEach
    void setUp() throws Exception {
        election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        store = MessageStore.open(storeLocation());
        queue = ForwardQueue.open(storeLocation());
        intake = election.intake(store);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/in", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                Answer a = script.apply(requests.incrementAndGet());
                if (a.status() == 200) {
                    keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
                    bodies.add(Json.mapper().readValue(body, ForwardedMessage.class));
                }
                if (a.retryAfter() != null) {
                    exchange.getResponseHeaders().set("Retry-After", a.retryAfter());
                }
                byte[] text = ("answer " + a.status()).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(a.status(), text.length);
                exchange.getResponseBody().write(text);
            }
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
        queue.close();
        store.close();
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/in";
    }

    private HttpUpstream upstream() {
        return new HttpUpstream(URI.create(url()), TlsContexts.context(null, null, List.of()));
    }

    /** Each unit's result, accepted, and a turnout before it; returns the results' hashes. */
    private List<String> acceptResults() {
        List<String> hashes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Device d = election.device(i);
            intake.process(Topics.report(election.id, d.id, Topics.TURNOUT), d.chain(d.sign(d.turnout(10))));
            int registered = election.election.station(d.station).orElseThrow().registeredVoters();
            byte[] result = d.chain(d.sign(d.result(registered, 600, 198, 2, 400, 10, List.of(200, 120, 70))));
            intake.process(Topics.report(election.id, d.id, Topics.RESULT), result);
            hashes.add(d.prev);
        }
        return hashes;
    }

    private ForwardQueue.Lag awaitSettled(int delivered, int refused) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        ForwardQueue.Lag lag = queue.lag(url());
        while (System.nanoTime() < deadline && (lag.delivered() != delivered || lag.refused() != refused)) {
            Thread.sleep(50);
            lag = queue.lag(url());
        }
        return lag;
    }

    @Test
    void the_queues_state_is_read_by_the_periodic_refresh_and_a_look_reads_no_store() throws Exception {
        store.forwardTo(List.of(url()), Set.of(Topics.RESULT));
        script = n -> new Answer(503, "3600");
        acceptResults();
        try (Forwarders forwarders = new Forwarders(storeLocation(), "hub-1", election.id, Clock.systemUTC())) {
            forwarders.start(List.of(upstream()));
            assertEquals(List.of(), forwarders.status(), "nothing read before the first refresh");
            forwarders.refresh();
            assertEquals(3, forwarders.status().get(0).pending());
            forwarders.close();
            assertEquals(3, forwarders.status().get(0).pending(), "kept in memory, the store closed");
        }
    }

    @Test
    void accepted_results_are_queued_with_their_decision_and_delivered_with_the_hash_as_key() throws Exception {
        store.forwardTo(List.of(url()), Set.of(Topics.RESULT));
        List<String> hashes = acceptResults();
        assertEquals(3, queue.lag(url()).pending(), "queued in the same commit, turnout left out");
        try (Forwarder f = new Forwarder(ForwardQueue.open(storeLocation()), upstream(), "hub-1", election.id, Clock.systemUTC()).start()) {
            ForwardQueue.Lag lag = awaitSettled(3, 0);
            assertEquals(0, lag.pending());
        }
        assertEquals(hashes, List.copyOf(keys), "in order, each once, keyed by its hash");
        for (ForwardedMessage m : bodies) {
            assertEquals(m.idempotencyKey(), org.rts.protocol.jws.Jws.hash(m.jws().getBytes(StandardCharsets.US_ASCII)),
                    "the device's JWS exactly as received");
            assertTrue(m.receipt().split("\\.").length == 3 && m.kind().equals("result"));
        }
    }

    @Test
    void server_errors_are_retried_with_the_same_key_until_taken() throws Exception {
        store.forwardTo(List.of(url()), Set.of(Topics.RESULT));
        List<String> hashes = acceptResults();
        script = n -> n <= 2 ? new Answer(500, null) : new Answer(200, null);
        try (Forwarder f = new Forwarder(ForwardQueue.open(storeLocation()), upstream(), "hub-1", election.id, Clock.systemUTC()).start()) {
            awaitSettled(3, 0);
        }
        assertEquals(5, requests.get(), "the first message tried three times");
        assertEquals(hashes, List.copyOf(keys));
    }

    @Test
    void a_bad_request_is_kept_for_review_and_the_rest_goes_on() throws Exception {
        store.forwardTo(List.of(url()), Set.of(Topics.RESULT));
        List<String> hashes = acceptResults();
        script = n -> n == 2 ? new Answer(400, null) : new Answer(200, null);
        try (Forwarder f = new Forwarder(ForwardQueue.open(storeLocation()), upstream(), "hub-1", election.id, Clock.systemUTC()).start()) {
            awaitSettled(2, 1);
        }
        assertEquals(3, requests.get(), "a refusal is not retried");
        List<String> refusals = queue.refusals(url());
        assertEquals(1, refusals.size());
        assertTrue(refusals.get(0).startsWith(hashes.get(1) + ": HTTP 400 answer 400"), refusals.toString());
    }

    @Test
    void too_many_requests_waits_as_long_as_the_upstream_asks() {
        script = n -> new Answer(429, "7");
        store.forwardTo(List.of(url()), Set.of(Topics.RESULT));
        acceptResults();
        ForwardQueue.Entry first = queue.claim(url(), "hub-1", System.currentTimeMillis(), 60_000, 1).get(0);
        Upstream.Outcome outcome = upstream().deliver(message(first), new byte[] {'{', '}'});
        Upstream.Retry retry = assertInstanceOf(Upstream.Retry.class, outcome);
        assertEquals(Duration.ofSeconds(7), retry.after());
        assertEquals(Duration.ofSeconds(7), Forwarder.delay(0, retry.after()));
        assertEquals(Duration.ofHours(1), Forwarder.delay(0, Duration.ofDays(2)), "an upstream's wish is capped");
    }

    @Test
    void backoff_doubles_to_five_minutes() {
        assertTrue(Forwarder.delay(0, null).toMillis() >= 1000 && Forwarder.delay(0, null).toMillis() <= 1100);
        assertTrue(Forwarder.delay(3, null).toMillis() >= 8000 && Forwarder.delay(3, null).toMillis() <= 8800);
        long longest = Forwarder.delay(40, null).toMillis();
        assertTrue(longest >= 300_000 && longest <= 330_000, "capped: " + longest);
        assertEquals(Duration.ofSeconds(30), HttpUpstream.retryAfter("30"));
        assertEquals(null, HttpUpstream.retryAfter("soon"));
        assertEquals(Duration.ZERO, HttpUpstream.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT"));
    }

    @Test
    void an_unreachable_or_slow_upstream_is_retried_not_dropped() throws Exception {
        store.forwardTo(List.of(url()), Set.of(Topics.RESULT));
        acceptResults();
        ForwardQueue.Entry first = queue.claim(url(), "hub-1", System.currentTimeMillis(), 60_000, 1).get(0);
        server.stop(0);
        assertInstanceOf(Upstream.Retry.class, upstream().deliver(message(first), new byte[] {'{', '}'}));
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        slow.createContext("/", exchange -> {
            try (exchange) {
                Thread.sleep(3_000);
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        slow.start();
        try {
            HttpUpstream impatient = new HttpUpstream(URI.create("http://127.0.0.1:" + slow.getAddress().getPort()
                    + "/"), TlsContexts.context(null, null, List.of()), Duration.ofMillis(500));
            Upstream.Retry r = assertInstanceOf(Upstream.Retry.class, impatient.deliver(message(first), new byte[] {'{', '}'}));
            assertTrue(r.why().toLowerCase().contains("timed out"), r.why());
        } finally {
            slow.stop(0);
        }
    }

    @Test
    void the_queue_survives_a_restart_and_a_hub_claims_again_what_it_held_when_it_stopped() throws Exception {
        store.forwardTo(List.of(url()), Set.of(Topics.RESULT));
        List<String> hashes = acceptResults();
        long now = System.currentTimeMillis();
        assertEquals(3, queue.claim(url(), "hub-1", now, 600_000, 10).size(), "claimed, then the hub dies");
        assertEquals(0, queue.claim(url(), "hub-2", now, 600_000, 10).size(), "another hub waits for the lease");
        store.close();
        store = MessageStore.open(storeLocation());
        store.forwardTo(List.of(url()), Set.of(Topics.RESULT));
        try (Forwarder f = new Forwarder(ForwardQueue.open(storeLocation()), upstream(), "hub-1", election.id, Clock.systemUTC()).start()) {
            awaitSettled(3, 0);
        }
        assertEquals(hashes, List.copyOf(keys));
    }

    @Test
    void two_hubs_sharing_a_store_never_claim_the_same_message() {
        store.forwardTo(List.of(url()), Set.of(Topics.RESULT));
        acceptResults();
        long now = System.currentTimeMillis();
        List<ForwardQueue.Entry> a = queue.claim(url(), "hub-a", now, 60_000, 2);
        List<ForwardQueue.Entry> b = queue.claim(url(), "hub-b", now, 60_000, 2);
        assertEquals(2, a.size());
        assertEquals(1, b.size());
        List<Long> ids = new ArrayList<>();
        a.forEach(x -> ids.add(x.id()));
        b.forEach(x -> ids.add(x.id()));
        assertEquals(3, ids.stream().distinct().count());
        assertEquals(3, queue.claim(url(), "hub-b", now + 60_001, 60_000, 5).size(),
                "once hub-a's lease runs out its messages are claimed again");
    }

    /** A clock that moves only when told. */
    private static final class ManualClock extends Clock {
        final java.util.concurrent.atomic.AtomicLong millis = new java.util.concurrent.atomic.AtomicLong(
                System.currentTimeMillis());

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis.get());
        }
    }

    @Test
    void no_delivery_outlasts_its_claim_so_another_hub_never_sends_the_same_message_meanwhile() throws Exception {
        store.forwardTo(List.of(url()), Set.of(Topics.RESULT));
        List<String> hashes = acceptResults();
        ManualClock clock = new ManualClock();
        Duration longest = Duration.ofSeconds(40);
        List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> takenOver = new java.util.concurrent.CopyOnWriteArrayList<>();
        Upstream slow = new Upstream() {
            @Override
            public String name() {
                return url();
            }

            @Override
            public Outcome deliver(ForwardedMessage message, byte[] body) {
                // the worst case: this delivery ends when its timeouts do; would another hub claim anything just
                // after?
                long worstEnd = clock.millis() + longest.toMillis() + 1;
                queue.claim(url(), "hub-b", worstEnd, 120_000, 64).forEach(e -> takenOver.add(e.hash()));
                clock.millis.addAndGet(longest.toMillis());
                delivered.add(message.idempotencyKey());
                return new Delivered();
            }

            @Override
            public Duration longestDelivery() {
                return longest;
            }

            @Override
            public void close() {
            }
        };
        try (Forwarder f = new Forwarder(ForwardQueue.open(storeLocation()), slow, "hub-a", election.id, clock)
                .start()) {
            awaitSettled(3, 0);
        }
        assertEquals(hashes, delivered, "each once, in order");
        assertEquals(List.of(), takenOver, "no message's claim ran out while it could still be on its way");
    }

    @Test
    void an_upstream_slower_than_a_claim_is_refused_at_start() {
        Upstream glacial = new Upstream() {
            @Override
            public String name() {
                return "glacial";
            }

            @Override
            public Outcome deliver(ForwardedMessage message, byte[] body) {
                return new Delivered();
            }

            @Override
            public Duration longestDelivery() {
                return Duration.ofMinutes(2);
            }

            @Override
            public void close() {
            }
        };
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Forwarder(queue, glacial, "hub-a", election.id, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("shorten its timeouts"), e.getMessage());
    }

    private ForwardedMessage message(ForwardQueue.Entry e) {
        return new ForwardedMessage(e.hash(), election.id, e.kind(), e.device(), e.station(), e.jws(),
                new String(e.receipt(), java.nio.charset.StandardCharsets.US_ASCII));
    }
}
