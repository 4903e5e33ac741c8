package org.rts.agent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.AgentException;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.ResultReport;
import org.rts.agent.TestUnit;

class WorkflowTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T18:30:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Outbox outbox;
    private Workflow workflow;
    private Path bundleDir;

    @BeforeEach
    void setUp() {
        ElectionFiles files = TestUnit.election(dir.resolve("election"), CLOCK, new Election("el", "Election", Mode.LIVE,
                List.of(new Race("parliament", "Parliament", List.of(new Candidate("a", "Alpha"),
                        new Candidate("b", "Beta")))), List.of(new Station("S-1", "One", 500)), null));
        bundleDir = TestUnit.enrol(files, CLOCK, files.bundle("dev-1").dir(), "dev-1", "S-1");
        outbox = Outbox.create(dir.resolve("data/outbox.db"));
        workflow = new Workflow(Bundle.load(bundleDir, CLOCK.instant()), outbox, CLOCK);
    }

    @AfterEach
    void tearDown() {
        outbox.close();
    }

    private static TallyForm form(int inBox, int invalid, int a, int b) {
        return new TallyForm("parliament", 500, 600, 600 - inBox - 2, 2, inBox, invalid, Map.of("a", a, "b", b),
                null);
    }

    @Test
    void a_reconciled_form_is_signed_and_committed_with_a_hash_chain() {
        OutboxEntry first = workflow.commit(workflow.result(form(400, 10, 200, 190)));
        OutboxEntry second = workflow.commit(workflow.turnout(420, null));
        assertEquals(1, first.seq());
        assertEquals(2, second.seq());
        var report = MessageCodec.decodeReport(Jws.parse(second.jws().getBytes(StandardCharsets.US_ASCII)).payload());
        assertEquals(first.hash(), report.prev());
        assertEquals(List.of(200, 190), ((ResultReport) MessageCodec.decodeReport(
                Jws.parse(first.jws().getBytes(StandardCharsets.US_ASCII)).payload())).votes());
    }

    @Test
    void a_form_breaking_a_rule_is_refused_naming_the_rule_and_nothing_is_stored() {
        Draft draft = workflow.result(form(400, 10, 300, 190));
        assertEquals(List.of("RECONCILIATION_FAILED:BOX_VS_VOTES"),
                draft.findings().errors().stream().map(f -> f.code()).toList());
        AgentException e = assertThrows(AgentException.class, () -> workflow.commit(draft));
        assertTrue(e.getMessage().contains("BOX_VS_VOTES") && e.getMessage().contains("500"), e.getMessage());
        assertEquals(List.of(), outbox.pending());
    }

    @Test
    void turnout_may_not_go_down_from_what_this_unit_sent() {
        workflow.commit(workflow.turnout(300, null));
        assertEquals("RECONCILIATION_FAILED:TURNOUT_DECREASING",
                workflow.turnout(250, null).findings().errors().get(0).code());
    }

    @Test
    void turnout_state_is_per_station_so_a_reassigned_unit_starts_afresh_at_its_new_station() {
        workflow.commit(workflow.turnout(300, null));
        assertEquals(java.util.OptionalInt.of(300), outbox.lastTurnout("S-1"));
        assertEquals(java.util.OptionalInt.empty(), outbox.lastTurnout("S-2"));
    }

    @Test
    void a_report_already_waiting_is_not_signed_twice() {
        OutboxEntry waiting = workflow.commit(workflow.result(form(400, 10, 200, 190)));
        DuplicateReportException e = assertThrows(DuplicateReportException.class,
                () -> workflow.commit(workflow.result(form(400, 10, 200, 190))));
        assertTrue(e.getMessage().contains("message " + waiting.seq()), e.getMessage());
        OutboxEntry turnout = workflow.commit(workflow.turnout(420, null));
        assertThrows(DuplicateReportException.class, () -> workflow.commit(workflow.turnout(420, null)));
        assertEquals(List.of(waiting.hash(), turnout.hash()), outbox.pending().stream().map(OutboxEntry::hash)
                .toList());
        workflow.commit(workflow.turnout(430, null));
        assertEquals(3, outbox.pending().size(), "a higher turnout is a new report");
    }

    @Test
    void a_restart_links_to_the_hubs_head_and_the_waiting_messages_follow_it_signed_again() {
        OutboxEntry first = workflow.commit(workflow.turnout(100, null));
        outbox.recordReceipt(first.hash(), "ACCEPTED", "AAAA-AAAA", "", "receipt", CLOCK.instant());
        OutboxEntry result = workflow.commit(workflow.result(form(400, 10, 200, 190)));
        var hubHead = new org.rts.protocol.message.ChainPosition(7, "h".repeat(43));

        var moved = workflow.resync(hubHead);

        List<OutboxEntry> pending = outbox.pending();
        assertEquals(List.of("restart", "result"), pending.stream().map(OutboxEntry::kind).toList());
        var restart = (org.rts.protocol.message.RestartReport) decode(pending.get(0));
        assertEquals(8, restart.seq());
        assertEquals(hubHead.msg(), restart.prev());
        assertEquals(org.rts.protocol.message.RestartReport.Cause.CHAIN_DIVERGED, restart.cause());
        assertEquals(2, restart.localSeq());
        ResultReport again = (ResultReport) decode(pending.get(1));
        assertEquals(9, again.seq());
        assertEquals(pending.get(0).hash(), again.prev());
        assertEquals(List.of(200, 190), again.votes());
        assertEquals(pending.get(1).hash(), moved.get(result.hash()).hash());
        assertEquals("SUPERSEDED", outbox.byHash(result.hash()).orElseThrow().status());
        assertEquals(9, outbox.head().seq());
    }

    @Test
    void a_restart_after_a_lost_outbox_says_so_and_later_ones_keep_that_cause() {
        OutboxEntry restart = workflow.restartAfterLoss();
        var report = (org.rts.protocol.message.RestartReport) decode(restart);
        assertEquals(List.of(1L, ""), List.of(report.seq(), report.prev()));
        assertEquals(org.rts.protocol.message.RestartReport.Cause.OUTBOX_LOST, report.cause());
        assertEquals(0, report.localSeq());
        assertEquals("chain restart after seq 0 (OUTBOX_LOST)", restart.summary());
        workflow.resync(new org.rts.protocol.message.ChainPosition(4, "h".repeat(43)));
        var again = (org.rts.protocol.message.RestartReport) decode(outbox.pending().get(0));
        assertEquals(org.rts.protocol.message.RestartReport.Cause.OUTBOX_LOST, again.cause());
        assertEquals(0, again.localSeq(), "the lost outbox's sequence is not known");
        assertEquals("chain restart after seq 4 (OUTBOX_LOST)", outbox.pending().get(0).summary());
    }

    @Test
    void a_form_without_its_closing_time_is_closed_now_and_one_with_it_keeps_it() {
        Instant closed = Instant.parse("2026-11-22T17:45:00Z");
        TallyForm dated = new TallyForm("parliament", 500, 600, 198, 2, 400, 10, Map.of("a", 200, "b", 190), closed);
        assertEquals(closed, ((ResultReport) workflow.result(dated).preview()).closedAt());
        assertEquals(CLOCK.instant(), ((ResultReport) workflow.result(form(400, 10, 200, 190)).preview()).closedAt());
    }

    @Test
    void a_result_counted_before_the_polls_close_is_refused_before_signing() {
        ElectionFiles files = TestUnit.election(dir.resolve("closing"), CLOCK, new Election("el2", "Election",
                Mode.LIVE, List.of(new Race("parliament", "Parliament", List.of(new Candidate("a", "Alpha"),
                new Candidate("b", "Beta")))), List.of(new Station("S-1", "One", 500)), null,
                new org.rts.protocol.election.Polling("UTC", List.of(), java.time.LocalDateTime.parse(
                        "2026-11-22T19:00"))));
        Path bundle = TestUnit.enrol(files, CLOCK, files.bundle("dev-1").dir(), "dev-1", "S-1");
        try (Outbox own = Outbox.create(dir.resolve("closing-data/outbox.db"))) {
            Workflow closing = new Workflow(Bundle.load(bundle, CLOCK.instant()), own, CLOCK); // 18:30, polls open
            Draft early = closing.result(form(400, 10, 200, 190));
            assertEquals(List.of("RESULT_BEFORE_CLOSE"), early.findings().errors().stream().map(f -> f.code())
                    .toList());
            assertThrows(AgentException.class, () -> closing.commit(early));
            assertEquals(List.of(), own.pending(), "nothing signed or stored");
            TallyForm afterClose = new TallyForm("parliament", 500, 600, 198, 2, 400, 10, Map.of("a", 200, "b", 190),
                    Instant.parse("2026-11-22T19:05:00Z"));
            assertTrue(closing.result(afterClose).findings().ok(), "a count closed after the polls is signed");
        }
    }

    @Test
    void waiting_messages_signed_again_still_verify_and_say_the_same() {
        OutboxEntry before = workflow.commit(workflow.result(form(400, 10, 200, 190)));
        assertEquals(1, workflow.resignPending("test"));
        OutboxEntry after = outbox.pending().get(0);
        assertEquals(before.seq(), after.seq());
        assertEquals(decode(before), decode(after));
        var cert = Bundle.load(bundleDir, CLOCK.instant()).deviceCertificate();
        assertTrue(org.rts.protocol.jws.Es256Verifier.verify(Jws.parse(after.jws().getBytes(StandardCharsets.US_ASCII)),
                org.rts.protocol.pki.Certificates.publicKey(cert)));
    }

    @Test
    void a_lost_outbox_is_an_error_that_says_what_to_do_never_a_fresh_start() throws Exception {
        workflow.commit(workflow.turnout(100, null));
        outbox.close();
        Path file = dir.resolve("data/outbox.db");
        Files.write(file, new byte[0]);
        Files.deleteIfExists(dir.resolve("data/outbox.db-wal"));
        var empty = assertThrows(org.rts.agent.outbox.OutboxLostException.class, () -> Outbox.open(file));
        assertTrue(empty.getMessage().contains("recover") && empty.getMessage().contains(file.toString()),
                empty.getMessage());
        Files.writeString(file, "this is not a database at all, just some text of a decent length");
        assertThrows(org.rts.agent.outbox.OutboxLostException.class, () -> Outbox.open(file));
        Files.delete(file);
        assertThrows(org.rts.agent.outbox.OutboxLostException.class, () -> Outbox.open(file));
        outbox = Outbox.create(file);
    }

    private static org.rts.protocol.message.Report decode(OutboxEntry e) {
        return MessageCodec.decodeReport(Jws.parse(e.jws().getBytes(StandardCharsets.US_ASCII)).payload());
    }

    @Test
    void the_review_shows_every_figure_and_candidate() {
        Draft draft = workflow.result(form(400, 10, 200, 190));
        assertEquals(List.of("Station S-1  race parliament (Parliament)",
                "Registered 500  received 600  unused 198  spoiled 2", "In box 400  invalid 10  valid 390",
                "  Alpha                            200", "  Beta                             190"), draft.review());
        AgentException e = assertThrows(AgentException.class, () -> workflow.result(new TallyForm("senate", 500,
                600, 198, 2, 400, 10, Map.of("a", 200, "b", 190), null)));
        assertEquals("race 'senate' is not on this station's ballot (RACE_NOT_ON_BALLOT); its races are [parliament]",
                e.getMessage());
    }

    @Test
    void unknown_and_missing_candidates_are_refused_by_name() {
        TallyForm unknown = new TallyForm("parliament", 500, 600, 198, 2, 400, 10, Map.of("a", 200, "b", 180,
                "zz", 10), null);
        assertTrue(assertThrows(AgentException.class, () -> workflow.result(unknown)).getMessage().contains("'zz'"));
        TallyForm missing = new TallyForm("parliament", 500, 600, 198, 2, 400, 10, Map.of("a", 390), null);
        assertTrue(assertThrows(AgentException.class, () -> workflow.result(missing)).getMessage().contains("'b'"));
    }

    @Test
    void the_outbox_survives_a_restart_and_keeps_messages_until_their_receipt() {
        OutboxEntry entry = workflow.commit(workflow.result(form(400, 10, 200, 190)));
        outbox.close();
        outbox = Outbox.open(dir.resolve("data/outbox.db"));
        assertEquals(List.of(entry.hash()), outbox.pending().stream().map(OutboxEntry::hash).toList());
        outbox.recordReceipt(entry.hash(), "ACCEPTED", "ABCD-EFGH", "", "receipt", CLOCK.instant());
        assertEquals(List.of(), outbox.pending());
        assertEquals("ABCD-EFGH", outbox.byHash(entry.hash()).orElseThrow().code());
    }

    @Test
    void a_bundle_whose_key_is_readable_by_others_is_refused() throws Exception {
        Files.setPosixFilePermissions(bundleDir.resolve("device.key"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        AgentException e = assertThrows(AgentException.class, () -> Bundle.load(bundleDir, CLOCK.instant()));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test
    void a_bundle_with_another_units_certificate_is_refused() throws Exception {
        ElectionFiles files = new ElectionFiles(dir.resolve("election"));
        Files.copy(files.caCertificate(), bundleDir.resolve("device.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        AgentException e = assertThrows(AgentException.class, () -> Bundle.load(bundleDir, CLOCK.instant()));
        assertTrue(e.getMessage().contains("is not for the key"), e.getMessage());
    }
}
