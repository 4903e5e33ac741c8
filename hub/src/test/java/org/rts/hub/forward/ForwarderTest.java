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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.rts.hub.units.Alerts;
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
    /** Messages the endpoint refuses for themselves (HTTP 400), by key. */
    private volatile java.util.function.Predicate<String> refuse = key -> false;
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
                int n = requests.incrementAndGet();
                Answer a = refuse.test(exchange.getRequestHeaders().getFirst("Idempotency-Key"))
                        ? new Answer(400, null) : script.apply(n);
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
        try (Forwarders forwarders = new Forwarders(storeLocation(), "hub-1", election.id, Clock.systemUTC(),
                java.time.Duration.ofHours(2))) {
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

    /** Until {@code done}, polling: the forwarder works on a thread of its own. */
    private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "the forwarder did not get there");
            Thread.sleep(20);
        }
    }

    /**
     * Moves the clock past the longest back-off (5 min and its jitter) once the forwarder has noted the last
     * refusal, and waits for the next one.
     */
    private static void refusedAgain(ManualClock clock, Forwarder f) throws InterruptedException {
        Instant last = f.refusing().orElseThrow().last();
        clock.millis.addAndGet(Duration.ofMinutes(6).toMillis());
        f.wake();
        await(() -> f.refusing().map(r -> r.last().isAfter(last)).orElse(true));
    }

    private List<Alerts.Alert> alerts(Alerts alerts, ManualClock clock, Forwarder f) {
        alerts.evaluate(clock.instant(), List.of(), null, Set::of, null, f.refusing().stream()
                .map(r -> Alerts.Raised.forwardRefused(r.upstream(), r.answer(), r.since(), r.until())).toList());
        List<Alerts.Alert> all = new ArrayList<>(alerts.open());
        all.addAll(alerts.history());
        return all.stream().filter(a -> a.rule() == Alerts.Rule.FORWARD_REFUSED).toList();
    }

    @Test
    void a_403_through_a_redeploy_is_tried_again_every_result_arrives_and_the_alert_opens_then_closes()
            throws Exception {
        AtomicBoolean redeploying = new AtomicBoolean(true);
        script = n -> redeploying.get() ? new Answer(403, null) : new Answer(200, null);
        store.forwardTo(List.of(url()), Set.of(Topics.RESULT));
        List<String> hashes = acceptResults();
        ManualClock clock = new ManualClock();
        Instant start = clock.instant();
        Alerts alerts = new Alerts(election.election, Alerts.Settings.DEFAULT);
        try (Forwarder f = new Forwarder(ForwardQueue.open(storeLocation()), upstream(), "hub-1", election.id, clock,
                Duration.ofHours(2)).start()) {
            await(() -> f.refusing().isPresent());
            List<Alerts.Alert> open = alerts(alerts, clock, f);
            assertEquals(1, open.size(), open.toString());
            Alerts.Alert alert = open.get(0);
            assertTrue(alert.open() && alert.subject().equals(url()) && alert.since().equals(start), alert.toString());
            assertTrue(alert.detail().contains("since " + start + ": HTTP 403"), alert.detail());
            for (int i = 0; i < 15; i++) { // an hour and a half of redeploy
                assertEquals(0, queue.lag(url()).refused(), "refused within the bound at " + clock.instant());
                refusedAgain(clock, f);
            }
            assertEquals(0, queue.lag(url()).refused(), "nothing refused within the bound");
            assertEquals(List.of(), List.copyOf(keys));
            redeploying.set(false);
            clock.millis.addAndGet(Duration.ofMinutes(6).toMillis());
            f.wake();
            ForwardQueue.Lag lag = awaitSettled(3, 0);
            assertEquals(0, lag.pending());
            assertTrue(f.refusing().isEmpty());
            List<Alerts.Alert> closed = alerts(alerts, clock, f);
            assertEquals(1, closed.size(), closed.toString());
            assertTrue(!closed.get(0).open() && closed.get(0).opened().equals(alert.opened()), closed.toString());
        }
        assertEquals(hashes, List.copyOf(keys), "every result, in order, each once");
    }

    @Test
    void a_refusal_past_the_bound_marks_results_refused_and_forward_requeue_sends_them_again() throws Exception {
        AtomicBoolean refusing = new AtomicBoolean(true);
        script = n -> refusing.get() ? new Answer(404, null) : new Answer(200, null);
        store.forwardTo(List.of(url()), Set.of(Topics.RESULT));
        List<String> hashes = acceptResults();
        ManualClock clock = new ManualClock();
        Alerts alerts = new Alerts(election.election, Alerts.Settings.DEFAULT);
        try (Forwarder f = new Forwarder(ForwardQueue.open(storeLocation()), upstream(), "hub-1", election.id, clock,
                Duration.ofHours(2)).start()) {
            await(() -> f.refusing().isPresent());
            Instant until = f.refusing().orElseThrow().until();
            while (clock.instant().isBefore(until)) {
                assertEquals(0, queue.lag(url()).refused(), "refused before the bound at " + clock.instant());
                refusedAgain(clock, f);
            }
            ForwardQueue.Lag lag = awaitSettled(0, 3);
            assertEquals(0, lag.pending());
            List<String> refusals = queue.refusals(url());
            assertEquals(3, refusals.size(), refusals.toString());
            assertTrue(refusals.stream().allMatch(r -> r.contains(": HTTP 404 answer 404")), refusals.toString());
            assertTrue(alerts(alerts, clock, f).get(0).open(), "the alert stays open while the upstream refuses");

            refusing.set(false);
            String electionDir = dir.resolve("election").toString();
            assertEquals(0, org.rts.hub.HubMain.run("forward-requeue", "--election", electionDir, "--store",
                    storeLocation(), "--upstream", url(), "--to", "2000-01-01T00:00:00Z"));
            assertEquals(3, queue.lag(url()).refused(), "none was refused before 2000");
            assertEquals(1, org.rts.hub.HubMain.run("forward-requeue", "--election", electionDir, "--store",
                    storeLocation(), "--upstream", "https://unknown.example/in"), "an unknown upstream is named");
            assertEquals(0, org.rts.hub.HubMain.run("forward-requeue", "--election", electionDir, "--store",
                    storeLocation(), "--upstream", url()));
            f.wake();
            awaitSettled(3, 0);
            List<Alerts.Alert> closed = alerts(alerts, clock, f);
            assertTrue(!closed.get(0).open(), closed.toString());
        }
        assertEquals(hashes, List.copyOf(keys), "sent again, in order");
    }

    @Test
    void a_message_refused_for_itself_past_the_bound_is_kept_for_review_and_the_rest_goes_on() throws Exception {
        store.forwardTo(List.of(url()), Set.of(Topics.RESULT));
        List<String> hashes = acceptResults();
        refuse = hashes.get(1)::equals;
        ManualClock clock = new ManualClock();
        try (Forwarder f = new Forwarder(ForwardQueue.open(storeLocation()), upstream(), "hub-1", election.id, clock,
                Duration.ofHours(2)).start()) {
            await(() -> f.refusing().isPresent());
            Instant until = f.refusing().orElseThrow().until();
            while (clock.instant().isBefore(until)) {
                refusedAgain(clock, f);
            }
            awaitSettled(2, 1);
        }
        List<String> refusals = queue.refusals(url());
        assertEquals(1, refusals.size());
        assertTrue(refusals.get(0).startsWith(hashes.get(1) + ": HTTP 400 answer 400"), refusals.toString());
        assertEquals(List.of(hashes.get(0), hashes.get(2)), List.copyOf(keys));
    }

    private ForwardedMessage message(ForwardQueue.Entry e) {
        return new ForwardedMessage(e.hash(), election.id, e.kind(), e.device(), e.station(), e.jws(),
                new String(e.receipt(), java.nio.charset.StandardCharsets.US_ASCII));
    }
}
