package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.AgentMain;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.demo.RawDevice;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.files.Registry;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.election.ElectionAuthority;

/** Device agent and hub against the Mosquitto running on 127.0.0.1:1883. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EndToEndIT {
    private static final Duration STEP = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private TestElection election;
    private String hubClientId;
    private Hub hub;

    @BeforeEach
    void setUp() throws Exception {
        election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE, Clock.systemUTC());
        Units.ready(election, 3);
        hubClientId = "it-hub-" + UUID.randomUUID();
        hub = startHub();
    }

    @AfterEach
    void tearDown() {
        if (hub != null) {
            hub.close();
        }
    }

    private Hub startHub() throws InterruptedException {
        Hub started = Hub.start(HubConfig.of(election.files, Mosquitto.SHARED_URL, dir.resolve("hub.db"),
                hubClientId).withSessionExpiry(Duration.ofMinutes(2)), Clock.systemUTC());
        Wait.until("the hub is subscribed", STEP, started::isConnected);
        return started;
    }

    private RawDevice raw(int n) throws Exception {
        return new RawDevice(election.id, Mosquitto.SHARED_URL, "dev-" + n, election.files.hubCertificate());
    }

    private Path bundle(int n) {
        return election.files.bundle("dev-" + n).dir();
    }

    /** S-1's reconciled tally: 500 registered, 400 in box, 390 valid + 10 invalid. */
    private Path tally() throws Exception {
        Path csv = dir.resolve("S-1.csv");
        Files.writeString(csv, String.join("\n", "race,parliament", "registered,500", "received,600", "unused,198",
                "spoiled,2", "inBox,400", "invalid,10", "a,200", "b,120", "c,70"));
        return csv;
    }

    private static OutboxEntry only(Path bundle) {
        try (Outbox outbox = Outbox.open(bundle.resolve("outbox.db"))) {
            List<OutboxEntry> all = outbox.recent(10);
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    @Test
    void a_result_is_accepted_with_a_verified_receipt() throws Exception {
        assertEquals(AgentMain.ACCEPTED, AgentMain.run("result", "--bundle", bundle(1).toString(), "--file",
                tally().toString(), "--wait", "60"));
        OutboxEntry sent = only(bundle(1));
        assertEquals("ACCEPTED", sent.status());
        assertTrue(sent.code().matches("[0-9A-Z]{4}-[0-9A-Z]{4}"), sent.code());
        assertEquals(List.of(200, 120, 70), hub.store().results(election.id).get(0).votes());
    }

    @Test
    void an_agent_killed_after_the_outbox_commit_resends_after_restart_and_is_counted_once() throws Exception {
        int closedPort = Cli.closedPort();
        Process agent = Cli.agentProcess("result", "--bundle", bundle(1).toString(), "--file", tally().toString(),
                "--broker", "tcp://127.0.0.1:" + closedPort, "--wait", "300");
        try (Outbox outbox = Outbox.open(bundle(1).resolve("outbox.db"))) {
            Wait.until("the result is committed to the outbox", STEP, () -> outbox.pending().size() == 1);
        }
        agent.destroyForcibly().waitFor();

        assertEquals(AgentMain.ACCEPTED, AgentMain.run("send", "--bundle", bundle(1).toString(), "--wait", "60"));
        assertEquals("ACCEPTED", only(bundle(1)).status());
        assertEquals(1, hub.store().results(election.id).size());
        assertEquals(1, hub.store().head("dev-1").seq());
    }

    @Test
    void an_agent_killed_after_publishing_before_its_receipt_is_counted_once() throws Exception {
        hub.close();
        hub = null; // the hub's broker session stays and queues what devices publish meanwhile
        try (RawDevice watcher = raw(1)) {
            var published = watcher.watch(Topics.report(election.id, "dev-1", Topics.RESULT));
            Process agent = Cli.agentProcess("result", "--bundle", bundle(1).toString(), "--file", tally().toString(),
                    "--wait", "300");
            Wait.until("the broker has the result", STEP, () -> published.get() >= 1);
            agent.destroyForcibly().waitFor();
        }
        hub = startHub();
        Wait.until("the hub stored the queued result", STEP,
                () -> hub.store().results(election.id).size() == 1);

        assertEquals(AgentMain.ACCEPTED, AgentMain.run("send", "--bundle", bundle(1).toString(), "--wait", "60",
                "--resend-after", "600"));
        assertEquals(1, hub.store().results(election.id).size());
        assertEquals(1, hub.store().head("dev-1").seq());
        assertEquals(java.util.Map.of("ACCEPTED", 1), hub.store().inboundCounts(), "stored once");
        assertEquals(1, hub.health().duplicates(), "the resend answered with the same receipt, not stored again");
    }

    @Test
    void every_bad_input_is_rejected_with_its_reason_and_the_hub_keeps_running() throws Exception {
        Device dev1 = election.device(1);
        Device dev3 = election.device(3);
        List<String> failures = new ArrayList<>();
        try (RawDevice raw1 = raw(1);
             RawDevice raw2 = raw(2);
             RawDevice raw3 = raw(3)) {
            expect(failures, raw1, "result", "not json".getBytes(), "MALFORMED");
            expect(failures, raw1, "result", dev1.signRaw("{not json".getBytes()), "MALFORMED");
            byte[] big = new byte[64 * 1024 + 1];
            Arrays.fill(big, (byte) 'x');
            expect(failures, raw1, "result", big, "PAYLOAD_TOO_LARGE");
            String good = new String(dev1.sign(dev1.result(200, 120, 70)), StandardCharsets.US_ASCII);
            String other = new String(dev1.sign(dev1.result(201, 119, 70)), StandardCharsets.US_ASCII);
            String forged = good.substring(0, good.lastIndexOf('.')) + other.substring(other.lastIndexOf('.'));
            expect(failures, raw1, "result", forged.getBytes(), "SIGNATURE_INVALID");
            Device rogue = election.rogue(1);
            expect(failures, raw1, "result", rogue.sign(rogue.result(200, 120, 70)), "CERTIFICATE_UNTRUSTED");
            Device dev2 = election.device(2);
            expect(failures, raw2, "result", dev2.sign(new ResultReport(1, election.id, Mode.LIVE, "dev-2",
                    "S-1", 1, "", "parliament", 500, 600, 198, 2, 400, 10, List.of(200, 120, 70),
                    TestElection.NOW)), "STATION_MISMATCH");
            expect(failures, raw1, "turnout", dev1.sign(new TurnoutReport(1, "another-election", Mode.LIVE, "dev-1",
                    "S-1", 1, "", TestElection.NOW, 10)), "ELECTION_UNKNOWN");
            expect(failures, raw1, "turnout", dev1.sign(new TurnoutReport(1, election.id, Mode.DRILL, "dev-1",
                    "S-1", 1, "", TestElection.NOW, 10)), "MODE_MISMATCH");

            // dev-3's chain: one good message, then replay, gap and fork
            byte[] first = dev3.sign(dev3.turnout(100));
            expect(failures, raw3, "turnout", dev3.chain(first), "");
            expect(failures, raw3, "turnout", dev3.sign(new TurnoutReport(1, election.id, Mode.LIVE, "dev-3",
                    "S-3", 1, "", TestElection.NOW, 101)), "SEQUENCE_REPLAY");
            expect(failures, raw3, "turnout", dev3.sign(new TurnoutReport(1, election.id, Mode.LIVE, "dev-3",
                    "S-3", 5, dev3.prev, TestElection.NOW, 101)), "SEQUENCE_GAP");
            expect(failures, raw3, "turnout", dev3.sign(new TurnoutReport(1, election.id, Mode.LIVE, "dev-3",
                    "S-3", 2, "B".repeat(43), TestElection.NOW, 101)), "CHAIN_BROKEN");
            // content errors: each joins the chain and is rejected; S-3 has 450 voters
            chained(failures, raw3, dev3, "result", dev3.sign(dev3.result(450, 500, 98, 2, 400, 10,
                    List.of(-1, 200, 191))), "COUNT_OUT_OF_RANGE");
            chained(failures, raw3, dev3, "result", dev3.sign(dev3.result(450, 500, 98, 2, 400, 10,
                    List.of(1_500_000, 200, 190))), "COUNT_OUT_OF_RANGE");
            chained(failures, raw3, dev3, "result", dev3.sign(dev3.result(450, 500, 98, 2, 400, 10,
                    List.of(200, 100, 80, 10))), "CANDIDATE_UNKNOWN");
            chained(failures, raw3, dev3, "result", dev3.sign(dev3.result(451, 500, 98, 2, 400, 10,
                    List.of(200, 100, 90))), "RECONCILIATION_FAILED:REGISTERED_MISMATCH");
            chained(failures, raw3, dev3, "result", dev3.sign(dev3.result(450, 500, 90, 2, 400, 10,
                    List.of(200, 100, 90))), "RECONCILIATION_FAILED:BALLOT_ACCOUNTING");
            chained(failures, raw3, dev3, "result", dev3.sign(dev3.result(450, 500, 98, 2, 400, 10,
                    List.of(200, 100, 60))), "RECONCILIATION_FAILED:BOX_VS_VOTES");
            chained(failures, raw3, dev3, "result", dev3.sign(dev3.result(450, 500, 38, 2, 460, 10,
                    List.of(250, 100, 100))), "RECONCILIATION_FAILED:OVER_VOTING");
            chained(failures, raw3, dev3, "turnout", dev3.sign(dev3.turnout(451)),
                    "RECONCILIATION_FAILED:TURNOUT_ABOVE_REGISTERED");
            chained(failures, raw3, dev3, "turnout", dev3.sign(dev3.turnout(99)),
                    "RECONCILIATION_FAILED:TURNOUT_DECREASING");
            chained(failures, raw3, dev3, "result", dev3.sign(new ResultReport(1, election.id, Mode.LIVE, "dev-3",
                    "S-3", dev3.seq + 1, dev3.prev, "senate", 450, 500, 98, 2, 400, 10, List.of(200, 100, 90),
                    TestElection.NOW)), "RACE_UNKNOWN");
            chained(failures, raw3, dev3, "result", dev3.sign(dev3.result(450, 500, 98, 2, 400, 10,
                    List.of(200, 190))), "VOTES_INCOMPLETE");
            chained(failures, raw3, dev3, "result", dev3.sign(dev3.result(450, 500, 98, 2, 400, 10,
                    List.of(200, 100, 90))), "");
            chained(failures, raw3, dev3, "result", dev3.sign(dev3.result(450, 500, 98, 2, 400, 10,
                    List.of(190, 110, 90))), "CONFLICT");
            // who signed, and for whom: the header, the certificate, the payload and the topic must agree
            Device liar = election.impostor(2, "dev-1");
            expect(failures, raw1, "turnout", liar.sign(liar.turnout(10)), "DEVICE_MISMATCH");
            expect(failures, raw1, "turnout", dev1.sign(new TurnoutReport(1, election.id, Mode.LIVE, "dev-2", "S-1",
                    1, "", TestElection.NOW, 10)), "DEVICE_MISMATCH");
            expect(failures, raw1, "result", dev1.sign(dev1.turnout(10)), "TOPIC_MISMATCH");
            expect(failures, raw1, "turnout", dev1.sign(new TurnoutReport(1, election.id, Mode.LIVE, "dev-1", "S-1",
                    1, "", Instant.now().plus(Duration.ofDays(3)), 10)), "TIME_IN_FUTURE");
        }
        assertEquals(List.of(), failures);
        assertEquals(List.of("S-3"), hub.store().results(election.id).stream().map(r -> r.station()).toList());
        // a certificate bound to a station the ballot does not have (a registry entry made by hand)
        try (RawDevice raw9 = new RawDevice(election.id, Mosquitto.SHARED_URL, "dev-9",
                election.files.hubCertificate())) {
            var authority = ElectionAuthority.load(election.files, Clock.systemUTC());
            var key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
            var cert = authority.issuer().deviceCertificate(election.id, "dev-9", "S-9", Keys.publicOf(key),
                    Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(30));
            long before = hub.registryVersion();
            authority.save(authority.registry().with(new Registry.Entry("dev-9", "S-9", Pem.encode(cert),
                    Registry.Status.ACTIVE, Instant.now(), null)));
            Wait.until("the hub reloads its registry", STEP, () -> hub.registryVersion() > before);
            byte[] forS9 = new Es256Signer(key, "dev-9", Certificates.thumbprint(cert)).sign(MessageCodec.encode(
                    new TurnoutReport(1, election.id, Mode.LIVE, "dev-9", "S-9", 1, "", TestElection.NOW, 10)))
                    .getBytes(StandardCharsets.US_ASCII);
            expect(failures, raw9, "turnout", forS9, "STATION_UNKNOWN");
        }
        assertEquals(List.of(), failures);
        // the hub is still running and still accepts a good result
        assertEquals(AgentMain.ACCEPTED, AgentMain.run("result", "--bundle", bundle(1).toString(), "--file",
                tally().toString(), "--wait", "60"));
    }

    private static void chained(List<String> failures, RawDevice raw, Device device, String kind, byte[] bytes,
                                String code) throws Exception {
        expect(failures, raw, kind, device.chain(bytes), code);
    }

    /** Sends and records a mismatch instead of failing at once, so one run lists every wrong answer. */
    private static void expect(List<String> failures, RawDevice raw, String kind, byte[] bytes, String code)
            throws Exception {
        Receipt r = raw.send(kind, bytes, STEP);
        List<String> codes = r.reasons().stream().map(Finding::code).toList();
        List<String> expected = code.isEmpty() ? List.of() : List.of(code);
        if (!codes.equals(expected)) {
            failures.add("expected " + expected + ", got " + codes + " " + r.reasons());
        }
    }


}
