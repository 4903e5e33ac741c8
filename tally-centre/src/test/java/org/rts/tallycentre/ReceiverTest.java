package org.rts.tallycentre;

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
import org.rts.protocol.codec.Json;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Finding;
import org.rts.protocol.reconciliation.Rule;
import org.rts.tallycentre.testing.TestElection;
import org.rts.tallycentre.testing.TestElection.Device;
import org.rts.tallycentre.verification.ForwardedMessage;

/** The reference receiver stores each verified message once and refuses what does not verify. */
class ReceiverTest {
    @TempDir
    Path dir;

    private TestElection election;
    private Receiver receiver;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        election = new TestElection(dir.resolve("election"));
        receiver = Receiver.start(election.files, dir.resolve("received.db"), 0, null, null, null, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    private HttpResponse<String> post(Object body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + "/results"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_verified_message_is_stored_once_and_copies_are_counted() throws Exception {
        Device d = election.device(1);
        ForwardedMessage m = election.answered(d, d.turnout(10), null);
        assertEquals(200, post(m).statusCode());
        HttpResponse<String> again = post(m);
        assertEquals(200, again.statusCode());
        assertTrue(again.body().contains("duplicate"), again.body());
        assertEquals(Map.of(m.idempotencyKey(), 2), receiver.copies());
    }

    @Test
    void the_hubs_audit_notices_mark_a_result_under_audit_and_a_forged_one_is_refused() throws Exception {
        java.time.Instant t = TestElection.NOW;
        assertEquals(200, post(election.auditNotice("S-1", true, t, election.files.hubKey())).statusCode());
        assertEquals(200, post(election.auditNotice("S-2", true, t, election.files.hubKey())).statusCode());
        assertEquals(java.util.Set.of("S-1/parliament", "S-2/parliament"), receiver.underAudit());
        assertEquals(200, post(election.auditNotice("S-2", false, t.plusSeconds(60), election.files.hubKey()))
                .statusCode(), "a corrected count takes the result out of the audit");
        assertEquals(java.util.Set.of("S-1/parliament"), receiver.underAudit());

        ForwardedMessage forged = election.auditNotice("S-3", true, t, election.files.bundle("dev-1").deviceKey());
        HttpResponse<String> refused = post(forged);
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("not signed by the hub"), refused.body());
        ForwardedMessage mislabelled = election.auditNotice("S-3", true, t, election.files.hubKey());
        assertEquals(400, post(new ForwardedMessage(mislabelled.idempotencyKey(), mislabelled.election(), "audit",
                "hub", "S-2", mislabelled.jws(), null)).statusCode(), "the envelope names another station");
        assertEquals(java.util.Set.of("S-1/parliament"), receiver.underAudit());
    }

    @Test
    void what_does_not_verify_is_refused_with_400_and_not_stored() throws Exception {
        Device d = election.device(1);
        ForwardedMessage m = election.answered(d, d.turnout(10), null);
        Device other = election.device(2);
        ForwardedMessage rejected = election.answered(other, other.turnout(600),
                new Finding(Rule.TURNOUT_ABOVE_REGISTERED.code(), "600 voters at a station of 500"));
        String forged = m.jws().substring(0, m.jws().lastIndexOf('.') + 1) + other.turnout(1).length;
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
