package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.demo.load.Fleet;
import org.rts.demo.load.HubProcess;
import org.rts.demo.load.Mosquitto;
import org.rts.demo.load.Traffic;
import org.rts.hub.health.HealthReport;
import org.rts.hub.store.MessageStore;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Reason;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;

/**
 * Close of polls: units send their signed reports at once through the real Mosquitto (configured as provisioning
 * sizes it) to the shipped hub in a JVM of its own. Every message is answered with a receipt the hub signed,
 * accepted, and chained exactly once.
 */
class BurstIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(900)
    void every_message_of_a_20000_message_burst_is_accepted_once_with_a_signed_receipt() throws Exception {
        assertEquals(0, burst(200, 100).reconnects(), "no reconnect");
    }

    /** Ten thousand units' identities in one registry: nothing in the hub grows badly with their number. */
    @Test
    @Timeout(900)
    void ten_thousand_units_each_have_their_reports_accepted() throws Exception {
        burst(10_000, 2);
    }

    /**
     * A broker with Mosquitto's own in-flight default, which (2.0.11) releases its whole queue to the hub once
     * acknowledgements flow, past the hub's Receive Maximum: the hub keeps it in its inbox instead of refusing it, so
     * the broker is never made to deliver its backlog again; no reconnect, hardly a stored duplicate.
     */
    @Test
    @Timeout(900)
    void a_burst_through_a_broker_with_its_own_defaults_is_taken_without_a_reconnect() throws Exception {
        HealthReport health = burst(200, 50, Mosquitto.plain(dir.resolve("broker"), "max_queued_messages 1000000"));
        assertEquals(0, health.reconnects(), "no reconnect: " + health);
    }

    /**
     * The operations room's session lookups run on a connection of their own: requests carrying random cookies,
     * many at once during the burst, neither break nor half-commit an intake batch.
     */
    @Test
    @Timeout(900)
    void room_requests_with_random_cookies_during_a_burst_break_no_batch() throws Exception {
        int port = Mosquitto.freePort();
        Path users = java.nio.file.Files.writeString(dir.resolve("users.txt"),
                org.rts.hub.web.Users.line("amal", "correct horse".toCharArray()) + "\n");
        var answered = new java.util.concurrent.atomic.AtomicLong();
        var serverErrors = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var client = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        var random = new java.security.SecureRandom();
        List<Thread> hammers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            hammers.add(Thread.ofPlatform().daemon().start(() -> {
                String[] paths = {"/api/units", "/api/alerts", "/api/tally", "/api/events"};
                while (!stop.get()) {
                    byte[] id = new byte[24];
                    random.nextBytes(id);
                    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                            + paths[random.nextInt(paths.length)])).timeout(Duration.ofSeconds(5))
                            .header("Cookie", "rts_session=" + java.util.HexFormat.of().formatHex(id)).build();
                    try {
                        int code = client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding())
                                .statusCode();
                        answered.incrementAndGet();
                        if (code >= 500) {
                            serverErrors.add(request.uri() + " " + code);
                        }
                    } catch (java.io.IOException notYetListening) {
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        HealthReport health;
        try {
            health = burst(200, 50, Mosquitto.forElection(dir.resolve("broker"), 200, 100), "--ops-port",
                    Integer.toString(port), "--ops-users", users.toString());
        } finally {
            stop.set(true);
            for (Thread t : hammers) {
                t.join(10_000);
            }
        }
        System.out.printf("the operations room answered %d requests with random cookies during the burst%n",
                answered.get());
        assertTrue(answered.get() > 1000, "the room answered " + answered.get() + " requests during the burst");
        assertEquals(List.of(), List.copyOf(serverErrors));
        assertEquals(null, health.storeFailingSince(), "no batch failed: " + health);
        assertEquals(null, health.storeError(), health.toString());
    }

    private HealthReport burst(int units, int perUnit) throws Exception {
        // room for a unit's messages sent again (after 10 min without a receipt) besides the first copies
        return burst(units, perUnit, Mosquitto.forElection(dir.resolve("broker"), units, 2 * perUnit));
    }

    private HealthReport burst(int units, int perUnit, Mosquitto configured, String... hubOptions) throws Exception {
        Fleet fleet = Fleet.create(dir.resolve("election"), units);
        List<Fleet.Message> burst = fleet.sign(perUnit);
        Path store = dir.resolve("hub.db");
        HealthReport health;
        List<String> options = new ArrayList<>(List.of("--rate-burst", "1000000", "--rate", "1000000"));
        options.addAll(List.of(hubOptions));
        try (Mosquitto broker = configured) {
            broker.start();
            try (HubProcess hub = new HubProcess(fleet.files().dir(), broker.url(), store.toString(), "burst-hub",
                    dir.resolve("hub.log"), options.toArray(String[]::new)).start();
                 Traffic traffic = new Traffic(broker.url(), fleet.election().id(), 4, Integer.MAX_VALUE,
                         Duration.ofMinutes(10))) {
                hub.awaitConnected(Path.of(store + ".health.json"));
                traffic.send(burst);
                assertTrue(traffic.awaitAnswers(burst.size(), Duration.ofMinutes(13)),
                        () -> traffic.outcomes().size() + " of " + burst.size() + " answered; see " + hub.log());
                var hubKey = Certificates.publicKey(Pem.readCertificate(fleet.files().hubCertificate()));
                assertEquals(burst.size(), Traffic.genuine(traffic.outcomes().stream()
                        .filter(o -> o.receipt().accepted() && o.receipt().chained()).toList(), hubKey,
                        fleet.election().id()), "every message accepted, chained, with a receipt of the hub's log");
            }
            // written again as the hub stops: no reconnect left out
            health = JsonFiles.read(Path.of(store + ".health.json"), HealthReport.class, "the hub's health");
        }
        try (MessageStore db = MessageStore.open(store)) {
            Map<String, Integer> counts = db.inboundCounts();
            assertEquals(burst.size(), counts.get("ACCEPTED"), counts.toString());
            // MQTT keeps a unit's order only within a connection: a message the broker delivers again after the
            // hub reconnects may come before the one before it, and is answered SEQUENCE_GAP (not final: the unit
            // sends it again). Any other refusal is a fault.
            List<String> refusals = new ArrayList<>();
            for (Fleet.Unit u : fleet.units()) {
                assertEquals(perUnit, db.head(u.id()).seq(), u.id() + "'s chain is whole");
                db.inboundReasons(u.id()).stream().filter(r -> !r.isEmpty() && !r.equals(Reason.SEQUENCE_GAP.name()))
                        .forEach(r -> refusals.add(u.id() + ": " + r));
            }
            assertEquals(List.of(), refusals, "no refusal but a sequence gap; " + counts);
            long copies = db.storedCopies();
            System.out.printf("burst of %d messages from %d units: stored %s, copies received %d, copies stored %d,"
                    + " hub reconnects %d%n", burst.size(), units, counts, health.duplicates(), copies,
                    health.reconnects());
            assertTrue(copies <= burst.size() / 100, copies + " copies stored for " + burst.size() + " messages");
        }
        return health;
    }
}
