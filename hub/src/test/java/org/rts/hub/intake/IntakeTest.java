package org.rts.hub.intake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.ManualClock;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.hub.testing.Variants;
import org.rts.hub.units.Alerts;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Inbound;
import org.rts.hub.validation.Verification;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.merkle.LoggedReceipt;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.RestartReport;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;

class IntakeTest {
    @TempDir
    Path dir;

    private TestElection election;
    private MessageStore store;
    private Intake intake;
    private Device dev1;
    private RegistryWatch registry;

    @BeforeEach
    void setUp() {
        election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        store = MessageStore.open(storeLocation());
        var files = election.files;
        registry = new RegistryWatch(files.registry(), files.crl(), Pem.readCertificate(files.caCertificate()),
                election.id);
        intake = new Intake(election.election, verification(), store,
                election.receiptLog(),
                TestElection.CLOCK);
        dev1 = election.device(1);
    }

    private Verification verification() {
        return new Verification(new Authenticator(election.election, registry::current));
    }

    /** Where the store is: an SQLite file here, a PostgreSQL schema in {@link IntakePostgresTest}. */
    String storeLocation() {
        return dir.resolve("hub.db").toString();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private List<Receipt> sendBatch(List<Inbound> batch) {
        List<Verification.Verified> verified = batch.stream().map(in -> intake.verify(in, TestElection.CLOCK.instant()))
                .toList();
        return intake.decideAndStore(verified).stream()
                .map(d -> election.receipt(d.receipt())).toList();
    }

    private Inbound inbound(Device d, String kind, byte[] bytes) {
        return Inbound.bounded(Topics.report(election.id, d.id, kind), bytes, Authenticator.MAX_BYTES);
    }

    @Test
    void a_batch_is_decided_in_arrival_order_as_if_one_message_at_a_time() {
        Device dev2 = election.device(2);
        byte[] t1 = dev1.chain(dev1.sign(dev1.turnout(100)));
        byte[] t2 = dev1.chain(dev1.sign(dev1.turnout(50)));
        byte[] t3 = dev1.chain(dev1.sign(dev1.turnout(120)));
        byte[] other = dev2.chain(dev2.sign(dev2.turnout(7)));
        List<Receipt> receipts = sendBatch(List.of(inbound(dev1, Topics.TURNOUT, t1), inbound(dev2, Topics.TURNOUT,
                other), inbound(dev1, Topics.TURNOUT, t2), inbound(dev1, Topics.TURNOUT, t1),
                inbound(dev1, Topics.TURNOUT, t3)));
        assertTrue(receipts.get(0).accepted());
        assertTrue(receipts.get(1).accepted());
        assertEquals(List.of("RECONCILIATION_FAILED:TURNOUT_DECREASING"), codes(receipts.get(2)),
                "sees the turnout accepted earlier in the same batch");
        assertTrue(receipts.get(2).chained());
        assertEquals(receipts.get(0), receipts.get(3), "a copy in the same batch gets the first one's receipt");
        assertTrue(receipts.get(4).accepted(), "links to the rejected but chained message before it");
        assertEquals(Map.of("S-1", 120, "S-2", 7), store.turnout(election.id));
        assertEquals(Map.of("ACCEPTED", 3, "REJECTED", 1), store.inboundCounts(), "the copy is not stored again");
    }

    @Test
    void a_batch_out_of_order_is_answered_with_a_gap_and_conflicting_results_keep_the_first() {
        byte[] t1 = dev1.sign(dev1.turnout(10));
        dev1.chain(t1);
        byte[] t2 = dev1.chain(dev1.sign(dev1.turnout(20)));
        byte[] first = dev1.chain(dev1.sign(dev1.result(200, 100, 90)));
        byte[] same = dev1.chain(dev1.sign(dev1.result(200, 100, 90)));
        byte[] different = dev1.chain(dev1.sign(dev1.result(190, 110, 90)));
        List<Receipt> receipts = sendBatch(List.of(inbound(dev1, Topics.TURNOUT, t2), inbound(dev1, Topics.TURNOUT,
                t1), inbound(dev1, Topics.TURNOUT, t2), inbound(dev1, Topics.RESULT, first),
                inbound(dev1, Topics.RESULT, same), inbound(dev1, Topics.RESULT, different)));
        assertEquals(List.of("SEQUENCE_GAP"), codes(receipts.get(0)));
        assertFalse(receipts.get(0).chained());
        assertTrue(receipts.get(1).accepted());
        assertTrue(receipts.get(2).accepted(), "the same bytes again, now in order");
        assertTrue(receipts.get(3).accepted());
        assertTrue(receipts.get(4).accepted());
        assertEquals(List.of("DUPLICATE_RESULT"), receipts.get(4).warnings().stream().map(Finding::code).toList());
        assertEquals(List.of("CONFLICT"), codes(receipts.get(5)));
        assertEquals(5, store.head("dev-1").seq());
        assertEquals(List.of(200, 100, 90), store.result(election.id, "S-1", "parliament").orElseThrow().votes());
    }

    private Receipt send(String deviceId, String kind, byte[] bytes) {
        Intake.Answer answer = intake.process(Topics.report(election.id, deviceId, kind), bytes).orElseThrow();
        assertEquals(Topics.receipt(election.id, deviceId), answer.topic());
        Receipt receipt = election.receipt(answer.receipt()); // in the hub's log, under a head it signed
        assertEquals(Jws.hash(bytes), receipt.msg());
        return receipt;
    }

    private Receipt send(Device device, byte[] bytes, String kind) {
        return send(device.id, kind, bytes);
    }

    private static List<String> codes(Receipt r) {
        return r.reasons().stream().map(Finding::code).toList();
    }

    private Receipt sendResult(Device d, ResultReport report) {
        byte[] bytes = d.sign(report);
        Receipt r = send(d, bytes, Topics.RESULT);
        if (r.accepted() || !r.reasons().get(0).code().startsWith("SEQUENCE") && !codes(r).contains("CHAIN_BROKEN")) {
            d.chain(bytes);
        }
        return r;
    }

    @Test
    void accepts_a_reconciled_result_with_a_signed_receipt_and_a_short_code() {
        Receipt r = sendResult(dev1, dev1.result(200, 120, 70));
        assertTrue(r.accepted(), r.toString());
        assertTrue(r.code().matches("[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"), r.code());
        assertEquals(List.of(390), store.results(election.id).stream()
                .map(x -> x.votes().stream().mapToInt(Integer::intValue).sum()).toList());
    }

    @Test
    void a_result_bound_to_its_photo_is_accepted_like_one_without_from_units_of_either_version() {
        Receipt withPhoto = sendResult(dev1, dev1.result(200, 120, 70).withPhoto(
                org.rts.protocol.message.Photo.of(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2})));
        assertEquals(Receipt.Status.ACCEPTED, withPhoto.status(), withPhoto.reasons().toString());
        Device dev2 = election.device(2);
        Receipt skipped = sendResult(dev2, dev2.result("parliament", 480, List.of(200, 120, 70))
                .withPhoto(org.rts.protocol.message.Photo.SKIPPED));
        assertEquals(Receipt.Status.ACCEPTED, skipped.status(), skipped.reasons().toString());
        assertEquals(2, store.results(election.id).size());
    }

    @Test
    void an_identical_resend_gets_the_identical_receipt_and_is_stored_and_counted_once() {
        byte[] bytes = dev1.sign(dev1.result(200, 120, 70));
        byte[] first = intake.process(Topics.report(election.id, "dev-1", "result"), bytes).orElseThrow().receipt();
        byte[] again = intake.process(Topics.report(election.id, "dev-1", "result"), bytes).orElseThrow().receipt();
        assertArrayEquals(first, again);
        assertEquals(1, store.results(election.id).size());
        assertEquals(Map.of("ACCEPTED", 1), store.inboundCounts());
    }

    @Test
    void a_copy_of_a_message_chained_lately_on_its_topic_is_answered_without_verifying_it_again() {
        byte[] bytes = dev1.chain(dev1.sign(dev1.turnout(10)));
        Inbound in = inbound(dev1, Topics.TURNOUT, bytes);
        Inbound elsewhere = inbound(election.device(2), Topics.TURNOUT, bytes);
        assertFalse(intake.verify(in, TestElection.CLOCK.instant()).copy(), "not chained yet: verified");
        byte[] first = intake.process(in).orElseThrow().receipt();
        assertTrue(intake.verify(in, TestElection.CLOCK.instant()).copy(), "chained: known by hash and topic");
        assertFalse(intake.verify(elsewhere, TestElection.CLOCK.instant()).copy(), "another topic: verified");
        assertArrayEquals(first, intake.process(in).orElseThrow().receipt());
        assertEquals(List.of("DEVICE_MISMATCH"), codes(sendBatch(List.of(elsewhere)).get(0)));
        Intake restarted = new Intake(election.election, verification(),
                store, election.receiptLog(), TestElection.CLOCK);
        assertFalse(restarted.verify(in, TestElection.CLOCK.instant()).copy(), "a hub that never saw it verifies");
        assertArrayEquals(first, restarted.process(in).orElseThrow().receipt());
        assertEquals(Map.of("ACCEPTED", 1, "REJECTED", 1), store.inboundCounts());
    }

    @Test
    void rejects_what_is_not_a_signed_message() {
        assertEquals(List.of("MALFORMED"), codes(send("dev-1", "result", "hello".getBytes())));
        assertEquals(List.of("MALFORMED"), codes(send("dev-1", "result", "{\"votes\":[1,2,3]}".getBytes())));
        assertEquals(List.of("MALFORMED"), codes(send("dev-1", "result", new byte[] {0, 1, 2, (byte) 0xFF})));
        Receipt notJson = send(dev1, dev1.signRaw("not json at all".getBytes()), Topics.RESULT);
        assertEquals(List.of("MALFORMED"), codes(notJson));
    }

    @Test
    void rejects_a_payload_over_64_KiB_unread() {
        byte[] big = new byte[64 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) 'A');
        assertEquals(List.of("PAYLOAD_TOO_LARGE"), codes(send("dev-1", "result", big)));
    }

    @Test
    void rejects_a_bad_signature() {
        String compact = new String(dev1.sign(dev1.result(200, 120, 70)), StandardCharsets.US_ASCII);
        String[] parts = compact.split("\\.");
        byte[] payload = MessageCodec.encode(dev1.result(300, 20, 70));
        String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload)
                + "." + parts[2];
        assertEquals(List.of("SIGNATURE_INVALID"), codes(send("dev-1", "result", forged.getBytes())));
    }

    @Test
    void rejects_a_valid_signature_by_a_key_the_ca_never_issued() {
        Device rogue = election.rogue(1);
        assertEquals(List.of("CERTIFICATE_UNTRUSTED"),
                codes(send(rogue, rogue.sign(rogue.result(200, 120, 70)), Topics.RESULT)));
    }

    @Test
    void rejects_a_result_signed_by_a_device_registered_to_another_station() {
        Device dev2 = election.device(2);
        ResultReport forS1 = new ResultReport(1, election.id, Mode.LIVE, "dev-2", "S-1", 1, "", "parliament",
                500, 600, 198, 2, 400, 10, List.of(200, 120, 70), TestElection.NOW);
        assertEquals(List.of("STATION_MISMATCH"), codes(send(dev2, dev2.sign(forS1), Topics.RESULT)));
    }

    @Test
    void rejects_a_message_published_on_another_devices_topic() {
        assertEquals(List.of("DEVICE_MISMATCH"), codes(send("dev-2", "result", dev1.sign(dev1.result(200, 120, 70)))));
    }

    @Test
    void rejects_an_unknown_election_and_a_drill_on_a_live_election() {
        ResultReport other = new ResultReport(1, "other-2026", Mode.LIVE, "dev-1", "S-1", 1, "", "parliament",
                500, 600, 198, 2, 400, 10, List.of(200, 120, 70), TestElection.NOW);
        assertEquals(List.of("ELECTION_UNKNOWN"), codes(send(dev1, dev1.sign(other), Topics.RESULT)));
        TurnoutReport drill = new TurnoutReport(1, election.id, Mode.DRILL, "dev-1", "S-1", 1, "",
                TestElection.NOW, 10);
        assertEquals(List.of("MODE_MISMATCH"), codes(send(dev1, dev1.sign(drill), Topics.TURNOUT)));
    }

    @Test
    void rejects_a_report_on_the_wrong_kind_of_topic() {
        assertEquals(List.of("TOPIC_MISMATCH"), codes(send(dev1, dev1.sign(dev1.turnout(10)), Topics.RESULT)));
    }

    @Test
    void rejects_a_replayed_sequence_number() {
        assertTrue(sendResult(dev1, dev1.result(200, 120, 70)).accepted());
        byte[] second = dev1.sign(dev1.turnout(400));
        assertTrue(send(dev1, dev1.chain(second), Topics.TURNOUT).accepted());
        // a different message under sequence number 1
        TurnoutReport replay = new TurnoutReport(1, election.id, Mode.LIVE, "dev-1", "S-1", 1, "",
                TestElection.NOW, 5);
        assertEquals(List.of("SEQUENCE_REPLAY"), codes(send(dev1, dev1.sign(replay), Topics.TURNOUT)));
    }

    @Test
    void rejects_a_gap_and_a_fork_in_the_hash_chain() {
        assertTrue(send(dev1, dev1.chain(dev1.sign(dev1.turnout(10))), Topics.TURNOUT).accepted());
        TurnoutReport gap = new TurnoutReport(1, election.id, Mode.LIVE, "dev-1", "S-1", 3, dev1.prev,
                TestElection.NOW, 20);
        assertEquals(List.of("SEQUENCE_GAP"), codes(send(dev1, dev1.sign(gap), Topics.TURNOUT)));
        TurnoutReport fork = new TurnoutReport(1, election.id, Mode.LIVE, "dev-1", "S-1", 2, "f".repeat(43),
                TestElection.NOW, 20);
        assertEquals(List.of("CHAIN_BROKEN"), codes(send(dev1, dev1.sign(fork), Topics.TURNOUT)));
        // the chain is intact: the real next message is accepted
        assertTrue(send(dev1, dev1.chain(dev1.sign(dev1.turnout(20))), Topics.TURNOUT).accepted());
    }

    @Test
    void rejects_negative_absurd_and_unknown_counts() {
        assertEquals(List.of("COUNT_OUT_OF_RANGE"),
                codes(sendResult(dev1, dev1.result(500, 600, 198, 2, 400, 10, List.of(-5, 200, 195)))));
        assertEquals(List.of("COUNT_OUT_OF_RANGE"),
                codes(sendResult(dev1, dev1.result(500, 600, 198, 2, 400, 10, List.of(2_000_000_000, 1, 1)))));
        assertEquals(List.of("CANDIDATE_UNKNOWN"),
                codes(sendResult(dev1, dev1.result(500, 600, 198, 2, 400, 10, List.of(200, 120, 60, 10)))));
        assertEquals(List.of(), store.results(election.id));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "REGISTERED_MISMATCH, 499, 600, 198, 2, 400, 10, 200, 120, 70",
            "BALLOT_ACCOUNTING,   500, 600, 190, 2, 400, 10, 200, 120, 70",
            "BOX_VS_VOTES,        500, 600, 198, 2, 400, 10, 200, 100, 70",
            "OVER_VOTING,         500, 600,  88, 2, 510, 10, 300, 130, 70"})
    void rejects_each_reconciliation_error(String rule, int registered, int received, int unused, int spoiled,
                                           int inBox, int invalid, int a, int b, int c) {
        Receipt r = sendResult(dev1, dev1.result(registered, received, unused, spoiled, inBox, invalid,
                List.of(a, b, c)));
        assertEquals(List.of("RECONCILIATION_FAILED:" + rule), codes(r));
        assertTrue(store.rejectedForReview(election.id).get(0).contains(rule));
        // the message joined the chain: the device's next message is accepted
        assertTrue(sendResult(dev1, dev1.result(200, 120, 70)).accepted());
    }

    @Test
    void rejects_turnout_above_registered_and_decreasing_turnout() {
        assertEquals(List.of("RECONCILIATION_FAILED:TURNOUT_ABOVE_REGISTERED"),
                codes(send(dev1, dev1.chain(dev1.sign(dev1.turnout(501))), Topics.TURNOUT)));
        assertTrue(send(dev1, dev1.chain(dev1.sign(dev1.turnout(300))), Topics.TURNOUT).accepted());
        assertEquals(List.of("RECONCILIATION_FAILED:TURNOUT_DECREASING"),
                codes(send(dev1, dev1.chain(dev1.sign(dev1.turnout(299))), Topics.TURNOUT)));
        assertEquals(Map.of("S-1", 300), store.turnout(election.id));
    }

    @Test
    void a_different_result_for_the_same_station_and_race_is_a_conflict_kept_for_review() {
        assertTrue(sendResult(dev1, dev1.result(200, 120, 70)).accepted());
        Receipt conflict = sendResult(dev1, dev1.result(120, 200, 70));
        assertEquals(List.of("CONFLICT"), codes(conflict));
        assertEquals(List.of(200, 120, 70), store.results(election.id).get(0).votes());
        assertEquals(1, store.rejectedForReview(election.id).size());
        Receipt same = sendResult(dev1, dev1.result(200, 120, 70));
        assertTrue(same.accepted());
        assertEquals(List.of("DUPLICATE_RESULT"), same.warnings().stream().map(Finding::code).toList());
        assertEquals(1, store.results(election.id).size());
    }

    @Test
    void a_result_sent_before_the_polls_close_is_refused_and_the_true_one_after_the_close_is_counted() {
        // the polls close at TestElection.NOW: the unit's count closes then, the hub's clock decides when it arrived
        TestElection closing = TestElection.closingAt(dir.resolve("closing"), "tcp://127.0.0.1:1883",
                TestElection.NOW);
        ManualClock clock = new ManualClock(TestElection.NOW.minusSeconds(600));
        Intake early = new Intake(closing.election, new Verification(new Authenticator(closing.election,
                new RegistryWatch(closing.files.registry(), closing.files.crl(),
                        Pem.readCertificate(closing.files.caCertificate()), closing.id)::current)), store,
                closing.receiptLog(), clock);
        Device unit = closing.device(1);
        byte[] premature = unit.sign(unit.result(200, 120, 70));
        Receipt refused = closing.receipt(early.process(Topics.report(closing.id, "dev-1", Topics.RESULT),
                premature).orElseThrow().receipt());
        assertEquals(List.of("RESULT_BEFORE_CLOSE"), codes(refused));
        assertTrue(refused.reasons().get(0).detail().contains("before the polls close"), refused.toString());
        assertEquals(List.of(), store.results(closing.id));
        unit.chain(premature);

        clock.set(TestElection.NOW.plusSeconds(60));
        Receipt counted = closing.receipt(early.process(Topics.report(closing.id, "dev-1", Topics.RESULT),
                unit.sign(unit.result(210, 110, 70))).orElseThrow().receipt());
        assertTrue(counted.accepted(), "the true result is not a conflict with the refused one: " + counted);
        assertEquals(List.of(210, 110, 70), store.results(closing.id).get(0).votes());
    }

    @Test
    void warnings_are_accepted_and_flagged() {
        Receipt r = sendResult(dev1, dev1.result(500, 600, 198, 2, 400, 40, List.of(200, 90, 70)));
        assertTrue(r.accepted());
        assertEquals(List.of("INVALID_SHARE_HIGH"), r.warnings().stream().map(Finding::code).toList());
        assertEquals(List.of("INVALID_SHARE_HIGH"), store.results(election.id).get(0).warnings());
    }

    @Test
    void a_device_revoked_while_the_hub_runs_is_rejected_from_the_next_message_on() throws Exception {
        assertTrue(send(dev1, dev1.chain(dev1.sign(dev1.turnout(10))), Topics.TURNOUT).accepted());
        java.nio.file.Files.setLastModifiedTime(election.files.registry(),
                java.nio.file.attribute.FileTime.fromMillis(0)); // a rewrite below always looks like a change
        new org.rts.provisioning.revocation.Revocation(org.rts.provisioning.election.ElectionAuthority.load(
                election.files, TestElection.CLOCK)).revoke("dev-1");
        registry.reloadIfChanged();
        assertEquals(List.of("DEVICE_REVOKED"), codes(send(dev1, dev1.sign(dev1.turnout(20)), Topics.TURNOUT)));
        assertTrue(send(election.device(2), election.device(2).sign(election.device(2).turnout(5)),
                Topics.TURNOUT).accepted(), "other devices go on");
    }

    @Test
    void a_broken_registry_file_leaves_the_previous_one_in_force() throws Exception {
        java.nio.file.Files.writeString(election.files.registry(), "{ not json");
        registry.reloadIfChanged();
        assertTrue(send(dev1, dev1.sign(dev1.turnout(10)), Topics.TURNOUT).accepted());
    }

    @Test
    void twins_of_a_signed_message_are_malformed_and_take_no_sequence_slot() {
        byte[] genuine = dev1.sign(dev1.turnout(10));
        for (byte[] twin : List.of(Variants.highS(genuine), Variants.spareBits(genuine),
                dev1.signRaw(new String(MessageCodec.encode(dev1.turnout(10)), StandardCharsets.UTF_8)
                        .getBytes(StandardCharsets.UTF_16BE)),
                dev1.signRaw(new String(MessageCodec.encode(dev1.turnout(10)), StandardCharsets.UTF_8)
                        .replace(",", ", ").getBytes(StandardCharsets.UTF_8)))) {
            Receipt r = send(dev1, twin, Topics.TURNOUT);
            assertEquals(List.of("MALFORMED"), codes(r));
            assertFalse(r.chained());
        }
        Receipt r = send(dev1, dev1.chain(genuine), Topics.TURNOUT);
        assertTrue(r.accepted(), "the genuine message still takes seq 1: " + r);
        assertEquals(1, store.head("dev-1").seq());
    }

    @Test
    void a_copy_on_the_other_topic_is_answered_for_that_topic_and_the_original_is_unaffected() {
        byte[] turnout = dev1.sign(dev1.turnout(10));
        Receipt copy = send(dev1, turnout, Topics.RESULT);
        assertEquals(List.of("TOPIC_MISMATCH"), codes(copy));
        assertEquals(Topics.report(election.id, "dev-1", Topics.RESULT), copy.topic());
        assertFalse(copy.chained());
        Receipt original = send(dev1, dev1.chain(turnout), Topics.TURNOUT);
        assertTrue(original.accepted());
        assertEquals(Topics.report(election.id, "dev-1", Topics.TURNOUT), original.topic());
        assertEquals(List.of("TOPIC_MISMATCH"), codes(send(dev1, turnout, Topics.RESULT)),
                "a copy after the original is still no resend");
    }

    @Test
    void an_exact_copy_on_another_devices_topic_never_gets_the_originals_receipt() {
        byte[] bytes = dev1.sign(dev1.result(200, 120, 70));
        assertTrue(send(dev1, dev1.chain(bytes), Topics.RESULT).accepted());
        Receipt copy = send("dev-2", Topics.RESULT, bytes);
        assertEquals(List.of("DEVICE_MISMATCH"), codes(copy));
        assertEquals("dev-2", copy.device());
        assertEquals(Map.of("ACCEPTED", 1, "REJECTED", 1), store.inboundCounts());
    }

    @Test
    void sequence_rejections_are_not_chained_and_carry_the_hubs_head() {
        byte[] first = dev1.chain(dev1.sign(dev1.turnout(10)));
        assertTrue(send(dev1, first, Topics.TURNOUT).accepted());
        TurnoutReport gap = new TurnoutReport(1, election.id, Mode.LIVE, "dev-1", "S-1", 3, dev1.prev,
                TestElection.NOW, 20);
        Receipt r = send(dev1, dev1.sign(gap), Topics.TURNOUT);
        assertEquals(List.of("SEQUENCE_GAP"), codes(r));
        assertFalse(r.chained());
        assertEquals(new ChainPosition(1, Jws.hash(first)), r.head());
    }

    @Test
    void a_restart_continues_from_the_hubs_head_and_is_flagged_for_review() {
        assertTrue(send(dev1, dev1.chain(dev1.sign(dev1.turnout(100))), Topics.TURNOUT).accepted());
        // the unit lost its outbox: its first message (a restart at seq 1) meets the hub's chain
        RestartReport probe = new RestartReport(1, election.id, Mode.LIVE, "dev-1", "S-1", 1, "",
                TestElection.NOW, RestartReport.Cause.OUTBOX_LOST, 0);
        Receipt replay = send(dev1, dev1.sign(probe), Topics.RESTART);
        assertEquals(List.of("SEQUENCE_REPLAY"), codes(replay));
        assertFalse(replay.chained());
        RestartReport restart = new RestartReport(1, election.id, Mode.LIVE, "dev-1", "S-1",
                replay.head().seq() + 1, replay.head().msg(), TestElection.NOW, RestartReport.Cause.OUTBOX_LOST, 0);
        Receipt accepted = send(dev1, dev1.sign(restart), Topics.RESTART);
        assertTrue(accepted.accepted(), accepted.toString());
        assertEquals(List.of("CHAIN_RESTART"), accepted.warnings().stream().map(Finding::code).toList());
        assertEquals(2, store.head("dev-1").seq());
        assertEquals(1, store.restarts(election.id).size());
        assertTrue(store.restarts(election.id).get(0).contains("OUTBOX_LOST"));
        // and its turnout goes on from the station's figure, not from zero
        dev1.seq = 2;
        dev1.prev = Jws.hash(dev1.sign(restart));
        assertEquals(List.of("RECONCILIATION_FAILED:TURNOUT_DECREASING"),
                codes(send(dev1, dev1.chain(dev1.sign(dev1.turnout(50))), Topics.TURNOUT)));
    }

    @Test
    void a_report_dated_far_ahead_of_the_hubs_clock_is_rejected_and_a_little_ahead_is_flagged() {
        TurnoutReport future = new TurnoutReport(1, election.id, Mode.LIVE, "dev-1", "S-1", 1, "",
                TestElection.NOW.plus(java.time.Duration.ofDays(300)), 10);
        Receipt far = send(dev1, dev1.chain(dev1.sign(future)), Topics.TURNOUT);
        assertEquals(List.of("TIME_IN_FUTURE"), codes(far));
        assertTrue(far.chained(), "a content rejection: final");
        TurnoutReport ahead = new TurnoutReport(1, election.id, Mode.LIVE, "dev-1", "S-1", 2, dev1.prev,
                TestElection.NOW.plus(java.time.Duration.ofHours(2)), 10);
        Receipt near = send(dev1, dev1.chain(dev1.sign(ahead)), Topics.TURNOUT);
        assertTrue(near.accepted());
        assertEquals(List.of("CLOCK_AHEAD"), near.warnings().stream().map(Finding::code).toList());
    }

    @Test
    void an_expired_certificate_is_refused_but_an_earlier_decision_is_still_answered() {
        byte[] bytes = dev1.chain(dev1.sign(dev1.turnout(10)));
        byte[] original = intake.process(Topics.report(election.id, "dev-1", "turnout"), bytes).orElseThrow().receipt();
        Intake later = new Intake(election.election, verification(), store,
                election.receiptLog(),
                java.time.Clock.offset(TestElection.CLOCK, java.time.Duration.ofDays(400)));
        assertArrayEquals(original, later.process(Topics.report(election.id, "dev-1", "turnout"), bytes).orElseThrow().receipt());
        Receipt expired = election.receipt(later.process(Topics.report(election.id, "dev-1", "turnout"),
                dev1.sign(dev1.turnout(20))).orElseThrow().receipt());
        assertEquals(List.of("CERTIFICATE_UNTRUSTED"), codes(expired));
        assertTrue(expired.reasons().get(0).detail().contains("valid from"), expired.reasons().get(0).detail());
    }

    @Test
    void a_unit_flooding_with_junk_fills_a_bounded_part_of_the_store() {
        int n = MessageStore.UNCHAINED_ROWS + 50;
        for (int i = 0; i < n; i++) {
            intake.process(Topics.report(election.id, "dev-1", "turnout"), ("junk " + i).getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals(MessageStore.UNCHAINED_ROWS, store.inboundReasons("dev-1").size());
        // the first 100 kept whole, the next 900 as hash and size, the last 50 ("junk 1000".."junk 1049") counted
        assertEquals(new MessageStore.Unchained(MessageStore.UNCHAINED_ROWS, MessageStore.UNCHAINED_BODIES, 50, 50 * 9),
                store.unchained("dev-1"));
        assertTrue(send(dev1, dev1.chain(dev1.sign(dev1.turnout(10))), Topics.TURNOUT).accepted());
    }

    @Test
    void a_stolen_unit_flooding_with_large_signed_rejected_results_keeps_a_bounded_part_of_their_bodies()
            throws Exception {
        Device dev2 = election.device(2);
        Alerts alerts = new Alerts(election.election, Alerts.Settings.DEFAULT);
        List<Integer> padding = java.util.Collections.nCopies(5_000, 1_000_000); // too many candidates: rejected
        int n = 60;
        long sent = 0;
        byte[] big = null;
        List<Alerts.Alert> opened = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            big = dev1.chain(dev1.sign(dev1.result("parliament", 500, padding)));
            assertTrue(big.length > 50_000 && big.length <= Authenticator.MAX_BYTES, big.length + " bytes");
            sent += big.length;
            List<Inbound> batch = new java.util.ArrayList<>(List.of(inbound(dev1, Topics.RESULT, big)));
            if (i == n - 5) { // another unit's genuine result in the same batch as the flood
                batch.add(inbound(dev2, Topics.RESULT, dev2.chain(dev2.sign(dev2.result(480, 600, 118, 2, 480, 10,
                        List.of(200, 200, 70))))));
            }
            List<Receipt> receipts = sendBatch(batch);
            assertTrue(receipts.get(0).chained() && !receipts.get(0).accepted(), receipts.get(0).toString());
            if (batch.size() > 1) {
                assertTrue(receipts.get(1).accepted(), receipts.get(1).toString());
            }
            opened.addAll(alerts.evaluate(TestElection.NOW, List.of(), null, java.util.Set::of, null, storageBound()));
        }
        long[] stored = storedBodies("dev-1");
        assertTrue(stored[1] <= MessageStore.REJECTED_BODY_BYTES && stored[1] > MessageStore.REJECTED_BODY_BYTES
                - Authenticator.MAX_BYTES, "bodies kept to the bound: " + stored[1] + " bytes");
        assertEquals(0, stored[2], "one copy of each: the chain row's");
        MessageStore.Withheld w = store.withheld("dev-1");
        assertEquals(new MessageStore.Withheld("dev-1", "S-1", stored[0], stored[1], n - stored[0], sent - stored[1],
                TestElection.NOW), w);
        assertTrue(w.withheld() >= n - MessageStore.REJECTED_BODY_BYTES / 50_000, w.toString());
        assertEquals(n, store.inboundReasons("dev-1").size(), "every one keeps its hash, size and decision");
        assertEquals(n, store.head("dev-1").seq());
        // a copy of a withheld one is answered with its receipt and stores nothing
        byte[] last = store.chainedReceipt(dev1.prev).orElseThrow();
        byte[] again = intake.process(Topics.report(election.id, "dev-1", Topics.RESULT), big).orElseThrow()
                .receipt();
        assertArrayEquals(last, again);
        assertEquals(n, store.inboundReasons("dev-1").size());
        assertTrue(send(dev1, dev1.chain(dev1.sign(dev1.turnout(10))), Topics.TURNOUT).accepted(),
                "its chain goes on from the last withheld message");
        assertEquals(List.of("S-2"), store.results(election.id).stream().map(r -> r.station()).toList());
        assertEquals(1, opened.size(), "the alert opens once: " + opened);
        Alerts.Alert a = opened.get(0);
        assertEquals(Alerts.Rule.STORAGE_BOUND, a.rule());
        assertEquals("dev-1", a.subject());
        assertEquals("S-1", a.station());
        assertTrue(a.detail().contains(stored[0] + " kept whole"), a.detail());
        assertEquals(1, alerts.open().size());
    }

    @Test
    void rejected_chained_bodies_are_kept_up_to_the_count_bound_and_accepted_ones_always() throws Exception {
        assertTrue(send(dev1, dev1.chain(dev1.sign(dev1.turnout(100))), Topics.TURNOUT).accepted());
        for (int i = 0; i < MessageStore.REJECTED_BODIES + 6; i++) {
            // more ballots in the box than registered voters: rejected, chained
            Receipt r = send(dev1, dev1.chain(dev1.sign(dev1.result(480, 600, 98, 2, 500, 10, List.of(200, 200,
                    90)))), Topics.RESULT);
            assertTrue(r.chained() && !r.accepted(), r.toString());
        }
        assertTrue(send(dev1, dev1.chain(dev1.sign(dev1.result(200, 120, 70))), Topics.RESULT).accepted());
        long[] stored = storedBodies("dev-1");
        assertEquals(MessageStore.REJECTED_BODIES + 2, stored[0], "the bound's rejections and both acceptances");
        MessageStore.Withheld w = store.withheld("dev-1");
        assertEquals(MessageStore.REJECTED_BODIES, w.kept());
        assertEquals(6, w.withheld());
        assertEquals(List.of("dev-1"), store.withheld().stream().map(MessageStore.Withheld::device).toList());
        assertTrue(storageBound().stream().allMatch(r -> r.detail().contains("6 kept as hash, size and decision")));
    }

    /** The units past the bound, as the hub raises them for the operations room. */
    private List<Alerts.Raised> storageBound() {
        return store.withheld().stream().map(w -> Alerts.Raised.storageBound(w.device(), w.station(), w.kept(),
                w.keptBytes(), w.withheld(), w.withheldBytes(), w.since())).toList();
    }

    /**
     * A device's message bodies as stored: [bodies kept, their bytes, bytes of chained messages' second copies in
     * the log of everything received (none: the chain row holds them)].
     */
    private long[] storedBodies(String device) throws java.sql.SQLException {
        String url = storeLocation().startsWith("jdbc:") ? storeLocation() : "jdbc:sqlite:" + storeLocation();
        try (var c = java.sql.DriverManager.getConnection(url); var ps = c.prepareStatement("SELECT"
                + " (SELECT COUNT(body) FROM inbound WHERE device = ?) + (SELECT COUNT(*) FROM chain WHERE device = ?"
                + " AND jws <> ''), (SELECT COALESCE(SUM(LENGTH(body)), 0) FROM inbound WHERE device = ?)"
                + " + (SELECT COALESCE(SUM(LENGTH(jws)), 0) FROM chain WHERE device = ?), (SELECT"
                + " COALESCE(SUM(COALESCE(LENGTH(i.body), 0) + LENGTH(i.receipt)), 0) FROM inbound i JOIN chain c"
                + " ON c.msg_hash = i.msg_hash WHERE i.device = ?)")) {
            for (int i = 1; i <= 5; i++) {
                ps.setString(i, device);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }

    @Test
    void a_message_signed_under_another_units_name_is_a_device_mismatch() {
        // dev-2's key and certificate, but the header claims dev-1, on dev-1's topic
        Device liar = election.impostor(2, "dev-1");
        Receipt r = send("dev-1", Topics.TURNOUT, liar.sign(liar.turnout(10)));
        assertEquals(List.of("DEVICE_MISMATCH"), codes(r));
        assertTrue(r.reasons().get(0).detail().contains("with the certificate of dev-2"), r.toString());
    }

    @Test
    void a_payload_naming_another_unit_is_a_device_mismatch() {
        TurnoutReport forDev2 = new TurnoutReport(1, election.id, Mode.LIVE, "dev-2", "S-1", 1, "",
                TestElection.NOW, 10);
        Receipt r = send(dev1, dev1.sign(forDev2), Topics.TURNOUT);
        assertEquals(List.of("DEVICE_MISMATCH"), codes(r));
        assertTrue(r.reasons().get(0).detail().contains("payload names device dev-2"), r.toString());
    }

    @Test
    void a_live_message_to_a_drill_hub_is_a_mode_mismatch() {
        TestElection drill = new TestElection(dir.resolve("drill"), "tcp://127.0.0.1:1883", Mode.DRILL);
        Intake drillIntake = new Intake(drill.election, new Verification(new Authenticator(drill.election, new RegistryWatch(
                drill.files.registry(), drill.files.crl(), Pem.readCertificate(drill.files.caCertificate()),
                drill.id)::current)), store, drill.receiptLog(), TestElection.CLOCK);
        Device d = drill.device(1);
        TurnoutReport live = new TurnoutReport(1, drill.id, Mode.LIVE, "dev-1", "S-1", 1, "", TestElection.NOW, 10);
        byte[] receipt = drillIntake.process(Topics.report(drill.id, "dev-1", Topics.TURNOUT), d.sign(live))
                .orElseThrow().receipt();
        assertEquals(List.of("MODE_MISMATCH"), codes(drill.receipt(receipt)));
    }

    @Test
    void a_result_for_a_race_not_on_the_ballot_is_rejected_and_chained() {
        ResultReport senate = new ResultReport(1, election.id, Mode.LIVE, "dev-1", "S-1", 1, "", "senate", 500,
                600, 198, 2, 400, 10, List.of(200, 120, 70), TestElection.NOW);
        Receipt r = sendResult(dev1, senate);
        assertEquals(List.of("RACE_UNKNOWN"), codes(r));
        assertTrue(r.chained());
        assertEquals(List.of(), store.results(election.id));
    }

    @Test
    void a_genuine_units_result_for_another_constituencys_race_is_refused_and_not_counted() {
        TestElection districts = TestElection.withConstituencies(dir.resolve("districts"), "tcp://127.0.0.1:1883");
        Intake to = districts.intake(store);
        Device north = districts.device(1);
        Device northCouncilOnly = districts.device(2);
        java.util.function.BiFunction<Device, ResultReport, Receipt> send = (d, report) -> districts.receipt(
                to.process(Topics.report(districts.id, d.id, Topics.RESULT), d.chain(d.sign(report)))
                        .orElseThrow().receipt());

        Receipt south = send.apply(north, north.result("south-council", 500, List.of(200, 190)));
        assertEquals(List.of("RACE_NOT_ON_BALLOT"), codes(south));
        assertTrue(south.chained(), "a content rejection, final");
        assertTrue(send.apply(north, north.result("north-council", 500, List.of(200, 190))).accepted());
        assertTrue(send.apply(north, north.result(200, 120, 70)).accepted(), "S-1 votes in parliament too");
        assertEquals(List.of("RACE_NOT_ON_BALLOT"), codes(send.apply(northCouncilOnly, northCouncilOnly.result(
                480, 600, 198, 2, 400, 10, List.of(200, 120, 70)))), "S-2 holds the north-council ballot only");
        assertEquals(List.of("S-1 north-council", "S-1 parliament"), store.results(districts.id).stream()
                .map(r -> r.station() + " " + r.race()).sorted().toList());
    }

    @Test
    void a_report_from_a_unit_bound_to_a_station_not_on_the_ballot_is_station_unknown() throws Exception {
        var authority = org.rts.provisioning.election.ElectionAuthority.load(election.files, TestElection.CLOCK);
        var key = (org.bouncycastle.crypto.params.ECPrivateKeyParameters) org.rts.protocol.pki.Keys.generate()
                .getPrivate();
        var cert = authority.issuer().deviceCertificate(election.id, "dev-9", "S-9",
                org.rts.protocol.pki.Keys.publicOf(key), TestElection.NOW.minus(java.time.Duration.ofDays(1)),
                java.time.Duration.ofDays(30));
        authority.save(authority.registry().with(new org.rts.protocol.files.Registry.Entry("dev-9", "S-9",
                Pem.encode(cert), org.rts.protocol.files.Registry.Status.ACTIVE, TestElection.NOW, null)));
        registry.reloadIfChanged();
        var signer = new org.rts.protocol.jws.Es256Signer(key, "dev-9",
                org.rts.protocol.pki.Certificates.thumbprint(cert));
        byte[] bytes = MessageCodec.encode(new TurnoutReport(1, election.id, Mode.LIVE, "dev-9", "S-9", 1, "",
                TestElection.NOW, 10));
        Receipt r = send("dev-9", Topics.TURNOUT, signer.sign(bytes).getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("STATION_UNKNOWN"), codes(r));
        assertTrue(r.chained());
    }

    @Test
    void a_certificate_not_yet_valid_is_refused() {
        Intake early = new Intake(election.election, verification(), store,
                election.receiptLog(),
                java.time.Clock.offset(TestElection.CLOCK, java.time.Duration.ofDays(-5)));
        Receipt r = election.receipt(early.process(Topics.report(election.id, "dev-1",
                "turnout"), dev1.sign(dev1.turnout(10))).orElseThrow().receipt());
        assertEquals(List.of("CERTIFICATE_UNTRUSTED"), codes(r));
        assertFalse(r.chained());
    }

    @Test
    void a_decision_that_cannot_be_stored_gets_no_receipt() {
        MessageStore failing = org.mockito.Mockito.spy(store);
        org.mockito.Mockito.doThrow(new org.rts.hub.StoreException("disk full", true, null)).when(failing)
                .commitBatch(org.mockito.ArgumentMatchers.any(), org.mockito.ArgumentMatchers.any(),
                        org.mockito.ArgumentMatchers.any());
        Intake broken = new Intake(election.election, verification(),
                failing, election.receiptLog(), TestElection.CLOCK);
        byte[] bytes = dev1.sign(dev1.turnout(10));
        org.junit.jupiter.api.Assertions.assertThrows(org.rts.hub.StoreException.class,
                () -> broken.process(Topics.report(election.id, "dev-1", "turnout"), bytes));
        org.junit.jupiter.api.Assertions.assertThrows(org.rts.hub.StoreException.class,
                () -> broken.process(Topics.report(election.id, "dev-1", "turnout"), "junk".getBytes()),
                "a rejection is not answered unstored either");
        assertEquals(Map.of(), store.inboundCounts());
        assertTrue(send(dev1, dev1.chain(bytes), Topics.TURNOUT).accepted(), "stored and answered once it works");
    }

    @Test
    void the_receipts_of_a_batch_share_one_signed_tree_head_and_the_log_goes_on_after_a_restart() {
        Device dev2 = election.device(2);
        List<Decision> batch = intake.decideAndStore(List.of(inbound(dev1, Topics.TURNOUT, dev1.chain(dev1.sign(
                dev1.turnout(10)))), inbound(dev2, Topics.TURNOUT, dev2.chain(dev2.sign(dev2.turnout(20)))),
                inbound(dev1, Topics.TURNOUT, "junk".getBytes(StandardCharsets.US_ASCII))).stream()
                .map(in -> intake.verify(in, TestElection.CLOCK.instant())).toList());
        List<LoggedReceipt> logged = batch.stream().map(d -> LoggedReceipt.decode(d.receipt())).toList();
        assertEquals(List.of(0L, 1L, 2L), logged.stream().map(LoggedReceipt::index).toList());
        assertEquals(1, logged.stream().map(LoggedReceipt::head).distinct().count(), "one signature for the batch");
        logged.forEach(l -> election.receipt(l.encode()));
        assertEquals(1, store.treeHeads(TestElection.LOG).size());

        Intake restarted = election.intake(store);
        byte[] next = restarted.process(inbound(dev1, Topics.TURNOUT, dev1.chain(dev1.sign(dev1.turnout(30)))))
                .orElseThrow().receipt();
        LoggedReceipt later = LoggedReceipt.decode(next);
        assertEquals(3, later.index(), "the restarted hub's log continues where the store's ended");
        assertTrue(election.receipt(next).accepted());
        List<String> heads = store.treeHeads(TestElection.LOG);
        assertEquals(List.of(logged.get(0).head(), later.head()), heads);
    }

    @Test
    void a_batch_whose_transaction_failed_leaves_no_hole_in_the_log() {
        send(dev1, dev1.chain(dev1.sign(dev1.turnout(10))), Topics.TURNOUT);
        java.util.concurrent.atomic.AtomicBoolean fail = new java.util.concurrent.atomic.AtomicBoolean(true);
        Intake failing = new Intake(election.election, verification(), (el, keys, decide) -> store.commitBatch(el,
                keys, state -> {
                    Batch b = decide.apply(state);
                    if (fail.getAndSet(false)) {
                        throw new org.rts.hub.StoreException("disk full", true, null);
                    }
                    return b;
                }), election.receiptLog(store), TestElection.CLOCK);
        byte[] bytes = dev1.chain(dev1.sign(dev1.turnout(20)));
        org.junit.jupiter.api.Assertions.assertThrows(org.rts.hub.StoreException.class,
                () -> failing.process(inbound(dev1, Topics.TURNOUT, bytes)));
        LoggedReceipt r = LoggedReceipt.decode(failing.process(inbound(dev1, Topics.TURNOUT, bytes)).orElseThrow()
                .receipt());
        assertEquals(1, r.index(), "the leaf of the failed batch was forgotten, not skipped");
        assertTrue(election.receipt(r.encode()).accepted());
        assertEquals(2, store.treeHeads(TestElection.LOG).size());
    }

    @Test
    void a_store_whose_receipt_log_was_changed_does_not_load() throws Exception {
        send(dev1, dev1.chain(dev1.sign(dev1.turnout(10))), Topics.TURNOUT);
        send(dev1, dev1.chain(dev1.sign(dev1.turnout(20))), Topics.TURNOUT);
        String url = storeLocation().startsWith("jdbc:") ? storeLocation() : "jdbc:sqlite:" + storeLocation();
        try (var c = java.sql.DriverManager.getConnection(url); var s = c.createStatement()) {
            s.executeUpdate("DELETE FROM receipt_log WHERE idx = 1");
        }
        org.rts.hub.StoreException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.rts.hub.StoreException.class, () -> store.load(election.receiptLog()));
        assertTrue(e.getMessage().contains("does not match the head it signed last (2 leaves"), e.getMessage());
    }

    @Test
    void a_message_of_exactly_64_KiB_is_read_and_one_byte_more_is_not() {
        byte[] limit = new byte[64 * 1024];
        java.util.Arrays.fill(limit, (byte) 'A');
        assertEquals(List.of("MALFORMED"), codes(send("dev-1", "result", limit)));
    }

    @Test
    void a_message_under_another_elections_topic_is_refused() {
        Intake.Answer answer = intake.process(Topics.report("other-election", "dev-1", Topics.TURNOUT),
                dev1.sign(dev1.turnout(10))).orElseThrow();
        Receipt r = election.receipt(answer.receipt());
        assertEquals(List.of("ELECTION_UNKNOWN"), codes(r));
        assertTrue(r.reasons().get(0).detail().contains("published under election other-election"));
    }

    @Test
    void rejections_say_the_numbers_that_matter() {
        assertTrue(send(dev1, dev1.chain(dev1.sign(dev1.turnout(10))), Topics.TURNOUT).accepted());
        TurnoutReport gap = new TurnoutReport(1, election.id, Mode.LIVE, "dev-1", "S-1", 3, dev1.prev,
                TestElection.NOW, 20);
        assertEquals("expected seq 2, found 3", send(dev1, dev1.sign(gap), Topics.TURNOUT).reasons().get(0).detail());
        RestartReport restart = new RestartReport(1, election.id, Mode.LIVE, "dev-1", "S-1", 2, dev1.prev,
                TestElection.NOW, RestartReport.Cause.CHAIN_DIVERGED, 7);
        Receipt r = send(dev1, dev1.sign(restart), Topics.RESTART);
        assertEquals("CHAIN_DIVERGED: the unit still had seq 7; its chain continues from seq 1 as the hub holds it",
                r.warnings().get(0).detail());
    }

    @Test
    void a_message_over_the_limit_keeps_only_its_hash_and_size() {
        byte[] big = new byte[100];
        Inbound in = Inbound.bounded("t", big, 99);
        assertEquals(0, in.bytes().length);
        assertEquals(100, in.size());
        assertEquals(Jws.hash(big), in.hash());
        assertEquals(100, Inbound.bounded("t", big, 100).bytes().length);
    }

    @Test
    void every_message_is_kept_with_what_was_answered() {
        send("dev-1", "result", "garbage".getBytes());
        sendResult(dev1, dev1.result(200, 120, 70));
        assertEquals(Map.of("ACCEPTED", 1, "REJECTED", 1), store.inboundCounts());
        assertEquals(List.of("MALFORMED", ""), store.inboundReasons("dev-1"));
    }
}
