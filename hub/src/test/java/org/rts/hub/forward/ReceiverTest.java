package org.rts.hub.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.intake.Intake;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.Json;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Mode;

/** The reference receiver stores each verified message once and refuses what does not verify. */
class ReceiverTest {
    @TempDir
    Path dir;

    private TestElection election;
    private MessageStore store;
    private Intake intake;
    private Receiver receiver;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        store = MessageStore.open(dir.resolve("hub.db"));
        intake = election.intake(store);
        receiver = Receiver.start(election.files, dir.resolve("received.db"), 0, null, null, null, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        store.close();
    }

    /** A message the hub answered, as the forwarder sends it. */
    private ForwardedMessage answered(Device d, byte[] message) {
        Intake.Answer a = intake.process(Topics.report(election.id, d.id, Topics.TURNOUT), message).orElseThrow();
        return new ForwardedMessage(Jws.hash(message), election.id, Topics.TURNOUT, d.id, d.station,
                new String(message, StandardCharsets.US_ASCII), new String(a.receipt(), StandardCharsets.US_ASCII));
    }

    private HttpResponse<String> post(Object body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/results"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_verified_message_is_stored_once_and_copies_are_counted() throws Exception {
        Device d = election.device(1);
        ForwardedMessage m = answered(d, d.chain(d.sign(d.turnout(10))));
        assertEquals(200, post(m).statusCode());
        HttpResponse<String> again = post(m);
        assertEquals(200, again.statusCode());
        assertTrue(again.body().contains("duplicate"), again.body());
        assertEquals(Map.of(m.idempotencyKey(), 2), receiver.copies());
    }

    @Test
    void what_does_not_verify_is_refused_with_400_and_not_stored() throws Exception {
        Device d = election.device(1);
        ForwardedMessage m = answered(d, d.chain(d.sign(d.turnout(10))));
        Device other = election.device(2);
        ForwardedMessage rejected = answered(other, other.sign(other.turnout(600))); // more voters than registered
        String forged = m.jws().substring(0, m.jws().lastIndexOf('.') + 1) + other.sign(other.turnout(1)).length;
        for (ForwardedMessage bad : new ForwardedMessage[] {
            new ForwardedMessage("another-key", m.election(), m.kind(), m.device(), m.station(), m.jws(), m.receipt()),
            new ForwardedMessage(m.idempotencyKey(), m.election(), m.kind(), m.device(), m.station(), m.jws(),
                    rejected.receipt()),
            rejected,
            new ForwardedMessage(Jws.hash(forged.getBytes(StandardCharsets.US_ASCII)), m.election(), m.kind(),
                    m.device(), m.station(), forged, m.receipt())}) {
            HttpResponse<String> r = post(bad);
            assertEquals(400, r.statusCode(), r.body());
        }
        assertEquals(400, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("{ not json")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(Map.of(), receiver.copies());
    }
}
