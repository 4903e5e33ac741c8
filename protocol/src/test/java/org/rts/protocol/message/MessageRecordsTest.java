package org.rts.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rts.protocol.Topics;

/** The invariants the message records keep, whoever builds them. */
class MessageRecordsTest {
    private static final Instant T = Instant.parse("2026-11-22T18:00:00Z");
    private static final String H = "h".repeat(43);
    private static final Finding REASON = Finding.of(Reason.MALFORMED, "bad");

    private static Receipt receipt(String topic, String msg, boolean chained, Receipt.Status status,
                                   List<Finding> reasons, Instant time, String code) {
        return new Receipt(1, "d", topic, msg, 1L, chained, status, reasons, List.of(), null, time, code);
    }

    @Test
    void a_chain_position_has_a_hash_exactly_when_it_is_past_the_start() {
        assertEquals(ChainPosition.START, new ChainPosition(0, ""));
        assertEquals(3, new ChainPosition(3, H).seq());
        assertThrows(IllegalArgumentException.class, () -> new ChainPosition(-1, ""));
        assertThrows(IllegalArgumentException.class, () -> new ChainPosition(0, H));
        assertThrows(IllegalArgumentException.class, () -> new ChainPosition(1, ""));
        assertThrows(IllegalArgumentException.class, () -> new ChainPosition(1, null));
    }

    @Test
    void a_receipt_code_is_the_first_40_bits_of_sha256_over_status_and_hash_in_crockford_base32() {
        assertEquals("98V6-HR9V", Receipt.code("abc", Receipt.Status.ACCEPTED));
        assertEquals("TAYM-TQ8H", Receipt.code("abc", Receipt.Status.REJECTED));
    }

    @Test
    void a_receipt_needs_its_fields_and_a_verdict_that_agrees_with_its_reasons() {
        Receipt ok = receipt("t", "m", true, Receipt.Status.ACCEPTED, List.of(), T, "C");
        assertTrue(ok.accepted() && ok.isFinal());
        assertFalse(ok.has(Reason.MALFORMED));
        Receipt no = receipt("t", "m", false, Receipt.Status.REJECTED, List.of(REASON), T, "C");
        assertFalse(no.accepted() || no.isFinal());
        assertTrue(no.has(Reason.MALFORMED));
        assertFalse(no.has(Reason.CONFLICT));
        assertThrows(IllegalArgumentException.class, () -> new Receipt(2, "d", "t", "m", 1L, true,
                Receipt.Status.ACCEPTED, List.of(), List.of(), null, T, "C"));
        assertThrows(IllegalArgumentException.class, () -> receipt(null, "m", true, Receipt.Status.ACCEPTED,
                List.of(), T, "C"));
        assertThrows(IllegalArgumentException.class, () -> receipt("", "m", true, Receipt.Status.ACCEPTED,
                List.of(), T, "C"));
        assertThrows(IllegalArgumentException.class, () -> receipt("t", null, true, Receipt.Status.ACCEPTED,
                List.of(), T, "C"));
        assertThrows(IllegalArgumentException.class, () -> receipt("t", "", true, Receipt.Status.ACCEPTED,
                List.of(), T, "C"));
        assertThrows(IllegalArgumentException.class, () -> receipt("t", "m", true, null, List.of(), T, "C"));
        assertThrows(IllegalArgumentException.class, () -> receipt("t", "m", true, Receipt.Status.ACCEPTED,
                List.of(), null, "C"));
        assertThrows(IllegalArgumentException.class, () -> receipt("t", "m", true, Receipt.Status.ACCEPTED,
                List.of(), T, null));
        assertThrows(IllegalArgumentException.class, () -> receipt("t", "m", true, Receipt.Status.ACCEPTED,
                List.of(REASON), T, "C"));
        assertThrows(IllegalArgumentException.class, () -> receipt("t", "m", false, Receipt.Status.REJECTED,
                List.of(), T, "C"));
        assertThrows(IllegalArgumentException.class, () -> receipt("t", "m", false, Receipt.Status.ACCEPTED,
                List.of(), T, "C"), "an accepted message is always chained");
        assertEquals(List.of(), new Receipt(1, "d", "t", "m", 1L, true, Receipt.Status.ACCEPTED, null, null, null, T,
                "C").warnings());
    }

    @Test
    void the_reasons_answered_before_the_chain_are_the_authentication_and_sequence_ones() {
        EnumSet<Reason> before = EnumSet.of(Reason.MALFORMED, Reason.PAYLOAD_TOO_LARGE, Reason.SIGNATURE_INVALID,
                Reason.CERTIFICATE_UNTRUSTED, Reason.DEVICE_REVOKED, Reason.DEVICE_MISMATCH,
                Reason.STATION_MISMATCH, Reason.ELECTION_UNKNOWN, Reason.MODE_MISMATCH, Reason.TOPIC_MISMATCH,
                Reason.SEQUENCE_REPLAY, Reason.SEQUENCE_GAP, Reason.CHAIN_BROKEN);
        for (Reason r : Reason.values()) {
            assertEquals(before.contains(r), r.beforeChain(), r.name());
        }
    }

    @Test
    void every_report_says_its_kind_its_time_and_moves_to_another_place_unchanged_otherwise() {
        TurnoutReport t = new TurnoutReport(1, "e", Mode.LIVE, "d", "s", 1, "", T, 10);
        ResultReport r = new ResultReport(1, "e", Mode.LIVE, "d", "s", 1, "", "race", 1, 2, 3, 4, 5, 6,
                List.of(7, 8), T.plusSeconds(1));
        RestartReport s = new RestartReport(1, "e", Mode.LIVE, "d", "s", 1, "", T.plusSeconds(2),
                RestartReport.Cause.CHAIN_DIVERGED, 4);
        assertEquals(List.of(Topics.TURNOUT, Topics.RESULT, Topics.RESTART), List.of(t.kind(), r.kind(), s.kind()));
        assertEquals(List.of(T, T.plusSeconds(1), T.plusSeconds(2)),
                List.of(t.reportedAt(), r.reportedAt(), s.reportedAt()));
        assertEquals(new TurnoutReport(1, "e", Mode.LIVE, "d", "s", 5, H, T, 10), t.withPosition(5, H));
        assertEquals(new ResultReport(1, "e", Mode.LIVE, "d", "s", 5, H, "race", 1, 2, 3, 4, 5, 6, List.of(7, 8),
                T.plusSeconds(1)), r.withPosition(5, H));
        assertEquals(new RestartReport(1, "e", Mode.LIVE, "d", "s", 5, H, T.plusSeconds(2),
                RestartReport.Cause.CHAIN_DIVERGED, 4), s.withPosition(5, H));
        assertEquals("registered=1 received=2 unused=3 spoiled=4 inBox=5 invalid=6 votes=[7, 8]", r.figures());
        assertEquals(15, r.validVotes());
    }

    @Test
    void a_restart_needs_its_time_its_cause_and_a_local_sequence_of_zero_or_more() {
        assertEquals(0, new RestartReport(1, "e", Mode.LIVE, "d", "s", 1, "", T, RestartReport.Cause.OUTBOX_LOST, 0)
                .localSeq());
        assertThrows(IllegalArgumentException.class, () -> new RestartReport(1, "e", Mode.LIVE, "d", "s", 1, "",
                T, RestartReport.Cause.OUTBOX_LOST, -1));
        assertThrows(IllegalArgumentException.class, () -> new RestartReport(1, "e", Mode.LIVE, "d", "s", 1, "",
                null, RestartReport.Cause.OUTBOX_LOST, 0));
        assertThrows(IllegalArgumentException.class, () -> new RestartReport(1, "e", Mode.LIVE, "d", "s", 1, "",
                T, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new RestartReport(1, "e", Mode.LIVE, "d", "s", 0, "",
                T, RestartReport.Cause.OUTBOX_LOST, 0), "the header is checked too");
    }

    @Test
    void a_report_header_holds_the_chain_rules() {
        assertEquals(1, new TurnoutReport(1, "e", Mode.LIVE, "d", "s", 1, "", T, 0).seq());
        assertEquals(2, new TurnoutReport(1, "e", Mode.LIVE, "d", "s", 2, "p".repeat(64), T, 0).seq());
        assertThrows(IllegalArgumentException.class, () -> new TurnoutReport(1, "e", Mode.LIVE, "d", "s", 2,
                "p".repeat(65), T, 0));
        assertThrows(IllegalArgumentException.class, () -> new TurnoutReport(2, "e", Mode.LIVE, "d", "s", 1, "", T,
                0));
        assertThrows(IllegalArgumentException.class, () -> new TurnoutReport(1, "e", null, "d", "s", 1, "", T, 0));
        assertThrows(IllegalArgumentException.class, () -> new TurnoutReport(1, "e", Mode.LIVE, "d", "s", 1, null,
                T, 0));
        assertThrows(IllegalArgumentException.class, () -> new TurnoutReport(1, "e", Mode.LIVE, "d", "s", 1, "",
                null, 0));
        assertThrows(IllegalArgumentException.class, () -> new ResultReport(1, "e", Mode.LIVE, "d", "s", 1, "", "r",
                1, 1, 1, 1, 1, 1, java.util.Arrays.asList(1, null), T));
        assertThrows(IllegalArgumentException.class, () -> new ResultReport(1, "e", Mode.LIVE, "d", "s", 1, "", "r",
                1, 1, 1, 1, 1, 1, List.of(1), null));
    }

    @Test
    void a_finding_reads_as_its_code_with_its_detail_if_any() {
        assertEquals("CONFLICT (why)", Finding.of(Reason.CONFLICT, "why").toString());
        assertEquals("CONFLICT", Finding.of(Reason.CONFLICT, null).toString());
        assertEquals("CHAIN_RESTART (x)", Finding.of(Warning.CHAIN_RESTART, "x").toString());
        assertThrows(IllegalArgumentException.class, () -> new Finding(" ", "x"));
    }
}
