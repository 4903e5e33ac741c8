package org.rts.hub.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.admission.Delivery;
import org.rts.hub.intake.Intake;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.ManualClock;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.Topics;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.relay.RelayParts;

/** Parts relayed by an observer's phone: joined only into the message they name, then decided like any other. */
class RelayTest {
    @TempDir
    Path dir;

    private TestElection election;
    private MessageStore store;
    private Intake intake;
    private final List<String> paths = new ArrayList<>();
    private final ManualClock clock = new ManualClock(TestElection.NOW);
    private Relay relay;

    @BeforeEach
    void setUp() {
        election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        store = MessageStore.open(dir.resolve("hub.db").toString());
        intake = election.intake(store);
        relay = new Relay(election.id, Certificates.publicKey(Pem.readCertificate(election.files.hubCertificate())),
                this::admit, new Relay.Limits(20, 2, 100, Duration.ofMinutes(10), Duration.ofSeconds(5)), clock);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    /** The admission and intake, in the calling thread. */
    private boolean admit(Delivery d) {
        paths.add(d.path());
        intake.process(d.topic(), d.payload(), d.path()).ifPresentOrElse(a -> d.answer(a.topic(), a.receipt()),
                d::ack);
        return true;
    }

    /** {@code jws} in {@code n} numbered parts (a ballot of many candidates, made small). */
    private static List<String> parts(String jws, int n) {
        String hash = Jws.hash(jws.getBytes(StandardCharsets.US_ASCII));
        int size = (jws.length() + n - 1) / n;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new RelayParts.Part(i + 1, n, hash, jws.substring(i * size, Math.min(jws.length(), (i + 1)
                    * size))).text());
        }
        return out;
    }

    private String result(int device) {
        TestElection.Device d = election.device(device);
        int registered = election.election.station("S-" + device).orElseThrow().registeredVoters();
        return new String(d.chain(d.sign(d.result("parliament", registered, List.of(200, 120, 70)))),
                StandardCharsets.US_ASCII);
    }

    @Test
    void parts_in_any_order_and_repeated_make_the_message_which_is_decided_like_any_other() {
        List<String> parts = parts(result(1), 3);
        Relay.Answer first = relay.take(parts.get(2), "10.0.0.7");
        assertEquals("waiting", first.state());
        assertEquals(List.of(3), first.have());
        assertEquals(List.of(1, 3), relay.take(parts.get(0), "10.0.0.7").have());
        assertEquals(List.of(1, 3), relay.take(parts.get(0), "10.0.0.7").have(), "a part read twice counts once");
        Relay.Answer done = relay.take(parts.get(1), "10.0.0.7");
        assertEquals("answered", done.state(), String.valueOf(done));
        assertEquals("ACCEPTED", done.status());
        assertEquals(List.of("relay"), paths);
        assertEquals(1, store.results(election.id).size());

        // the same message again, whole (the unit's own copy, or a second observer): the same receipt
        Relay.Answer again = relay.take(joined(parts), "10.0.0.8");
        assertEquals(done.code(), again.code());
        assertEquals(1, store.results(election.id).size());
    }

    private static String joined(List<String> parts) {
        StringBuilder jws = new StringBuilder();
        parts.forEach(p -> jws.append(RelayParts.parse(p).chunk()));
        return jws.toString();
    }

    @Test
    void altered_mixed_incomplete_foreign_and_junk_parts_each_get_their_answer() {
        List<String> one = parts(result(1), 3);
        List<String> two = parts(result(2), 3);
        // without its last part: waits, and is forgotten after ten minutes
        relay.take(one.get(0), "10.0.0.7");
        assertEquals(List.of(1, 2), relay.take(one.get(1), "10.0.0.7").have());
        // mixed: a part of another message joins that message's parts, never this one's
        assertEquals(List.of(1), relay.take(two.get(0), "10.0.0.7").have());
        assertEquals(429, relay.take(parts(result(3), 3).get(0), "10.0.0.7").http(),
                "two unfinished messages per address at most");
        // altered: the parts no longer make the message their hash names
        RelayParts.Part p = RelayParts.parse(two.get(1));
        String altered = new RelayParts.Part(p.index(), p.count(), p.hash(), p.chunk().substring(1) + "A").text();
        relay.take(altered, "10.0.0.7");
        Relay.Answer refused = relay.take(two.get(2), "10.0.0.7");
        assertEquals(400, refused.http());
        assertTrue(refused.reason().contains("do not make the message they name"), refused.reason());
        assertEquals("refused", relay.take("hello", "10.0.0.9").state(), "not a signed report");
        assertTrue(relay.take("RTSP1/9/3/" + p.hash() + "/abc", "10.0.0.9").reason().contains("numbered from 1"));
        assertTrue(paths.isEmpty(), "nothing reached the intake");
        assertEquals(0, store.results(election.id).size());

        clock.advance(Duration.ofMinutes(11));
        assertEquals(List.of(3), relay.take(one.get(2), "10.0.0.7").have(), "the unfinished one was forgotten");
    }

    @Test
    void an_address_sending_too_many_parts_waits_a_minute() {
        String junk = "RTSP1/1/2/" + Jws.hash(new byte[] {1}) + "/abc";
        for (int i = 0; i < 20; i++) {
            relay.take(junk, "10.0.0.66");
        }
        Relay.Answer limited = relay.take(junk, "10.0.0.66");
        assertEquals(429, limited.http());
        assertEquals("waiting", relay.take(junk, "10.0.0.67").state(), "another address is not held back");
        clock.advance(Duration.ofMinutes(1));
        assertEquals("waiting", relay.take(junk, "10.0.0.66").state());
    }
}
