package org.rts.hub.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.rts.hub.intake.Batch;
import org.rts.hub.intake.BatchKeys;
import org.rts.hub.intake.Decision;
import org.rts.hub.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;

/**
 * The store's own promises, whatever database holds it: committed means visible to anyone, a batch is written
 * whole or not at all, a failed write leaves it usable, and two stores deciding on one chain never both extend it.
 */
abstract class StoreContract {
    static final Instant T = Instant.parse("2026-11-22T18:00:00Z");

    MessageStore store;

    /** Where the store under test lives; the same value opens a second store on the same data. */
    abstract String location();

    @BeforeEach
    void open() {
        store = MessageStore.open(location());
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static Decision turnout(String device, long seq, String prev, String hash, int voters) {
        TurnoutReport t = new TurnoutReport(1, "el", Mode.LIVE, device, "S", seq, prev, T, voters);
        return new Decision("topic", device, hash, ("msg " + hash).getBytes(StandardCharsets.US_ASCII), T, t,
                List.of(), List.of(), ("receipt " + hash).getBytes(StandardCharsets.US_ASCII));
    }

    static Decision turnout(long seq, String prev, String hash, int voters) {
        return turnout("d", seq, prev, hash, voters);
    }

    static Decision result(long seq, String prev, String hash, int votes) {
        ResultReport r = new ResultReport(1, "el", Mode.LIVE, "d", "S", seq, prev, "R", 100, 10, 0, 0, 10, 0,
                List.of(votes, 10 - votes), T);
        return new Decision("topic", "d", hash, ("msg " + hash).getBytes(StandardCharsets.US_ASCII), T, r, List.of(),
                List.of(), ("receipt " + hash).getBytes(StandardCharsets.US_ASCII));
    }

    static BatchKeys keys(Set<String> hashes) {
        return new BatchKeys(Set.of("d"), Set.of("S"), hashes);
    }

    @Test
    void operations_room_sessions_outlive_the_connection_and_end_when_closed_or_expired() {
        Instant now = Instant.parse("2026-11-26T10:00:00Z");
        try (SessionStore sessions = SessionStore.open(location())) {
            sessions.open("h1", "amal", now.plusSeconds(60));
            assertTrue(sessions.valid("h1", now));
            assertTrue(sessions.valid("h1", now.plusSeconds(60)), "valid to its last moment");
            assertFalse(sessions.valid("h1", now.plusSeconds(60).plusMillis(1)), "expired");
            assertFalse(sessions.valid("h2", now));
        }
        try (SessionStore sessions = SessionStore.open(location())) {
            assertTrue(sessions.valid("h1", now), "kept across a restart");
            sessions.close("h1");
            assertFalse(sessions.valid("h1", now));
        }
    }

    @Test
    void alerts_are_kept_open_then_closed_as_history() {
        Instant at = Instant.parse("2026-11-26T10:00:00Z");
        var battery = new UnitStore.AlertRow("BATTERY_LOW", "d", "S-1", "battery 12 %", at, at.plusSeconds(120),
                null);
        var tamper = new UnitStore.AlertRow("TAMPER", "e", "S-2", "case open", at, at, null);
        try (UnitStore units = UnitStore.open(location())) {
            units.saveAlerts(List.of(battery, tamper));
            assertEquals(List.of(battery, tamper), units.alerts(true));
            var closed = new UnitStore.AlertRow("BATTERY_LOW", "d", "S-1", "battery 12 %", at, battery.opened(),
                    at.plusSeconds(600));
            units.saveAlerts(List.of(closed));
            assertEquals(List.of(tamper), units.alerts(true));
            assertEquals(List.of(tamper, closed), units.alerts(false));
        }
    }

    @Test
    void closed_alerts_are_history_newest_first_with_the_detail_they_closed_with() {
        Instant at = Instant.parse("2026-11-26T10:00:00Z");
        var first = new UnitStore.AlertRow("OFFLINE", "d", "S-1", "silent 5 min", at, at, null);
        var second = new UnitStore.AlertRow("OFFLINE", "d", "S-1", "silent 5 min", at, at.plusSeconds(900), null);
        var open = new UnitStore.AlertRow("TAMPER", "e", null, "case open", at, at.minusSeconds(60), null);
        try (UnitStore units = UnitStore.open(location())) {
            units.saveAlerts(List.of(first, second, open));
            var firstClosed = new UnitStore.AlertRow("OFFLINE", "d", "S-1", "back after 7 min", at, at,
                    at.plusSeconds(420));
            var secondClosed = new UnitStore.AlertRow("OFFLINE", "d", "S-1", "back after 1 min", at,
                    at.plusSeconds(900), at.plusSeconds(960));
            units.saveAlerts(List.of(firstClosed, secondClosed));
            units.saveAlerts(List.of());
            assertEquals(List.of(open, secondClosed, firstClosed), units.alerts(false));
            assertEquals(List.of(open), units.alerts(true));
        }
    }

    @Test
    void units_health_is_kept_and_replaced() {
        Instant at = Instant.parse("2026-11-26T10:00:00Z");
        var online = new UnitStore.UnitRow("d", "S-1", "ONLINE", at, 5, "{\"battery\":250.0}", -3L,
                List.of("battery 250.0 % is impossible"));
        var lost = new UnitStore.UnitRow("e", "S-2", "LOST", at, 9, null, null, List.of());
        try (UnitStore units = UnitStore.open(location())) {
            units.saveUnits(List.of(online, lost));
            assertEquals(List.of(online, lost), units.units());
            var offline = new UnitStore.UnitRow("d", "S-1", "OFFLINE", at.plusSeconds(5), 5, "{}", 4L, List.of());
            units.saveUnits(List.of(offline));
            assertEquals(List.of(offline, lost), units.units());
        }
    }

    @Test
    void the_history_keeps_points_figures_and_battery_logs_and_forgets_old_points() {
        Instant at = Instant.parse("2026-11-26T10:00:00Z");
        var p1 = new HistoryStore.Point("d", at, 80, false, null, -70, 0);
        var p2 = new HistoryStore.Point("d", at.plusSeconds(300), null, true, true, null, 2);
        try (HistoryStore history = HistoryStore.open(location())) {
            history.save(List.of(p1, p2, new HistoryStore.Point("e", at, 50, false, false, -80, 1)),
                    java.util.Map.of("d", "{\"drained\":5.0}"));
            history.save(List.of(p1), java.util.Map.of("d", "{\"drained\":6.0}"));
            assertEquals(List.of(p1, p2), history.points("d", at), "a point kept once, nulls as nulls");
            assertEquals(java.util.Map.of("d", "{\"drained\":6.0}"), history.batteries());
            history.saveFigures(List.of(new HistoryStore.Figure("units:ONLINE", at, 3),
                    new HistoryStore.Figure("voters:", at.plusSeconds(60), 120)));
            assertEquals(2, history.figures(at).size());
            history.prune(at.plusSeconds(60), at);
            assertEquals(List.of(p2), history.points("d", at));
            assertEquals(2, history.figures(at).size(), "figures kept longer");
            history.prune(at, at.plusSeconds(60));
            assertEquals(List.of(new HistoryStore.Figure("voters:", at.plusSeconds(60), 120)), history.figures(at));
            assertEquals(1, history.batteries().size(), "battery logs are not pruned");
        }
    }

    static Decision rejected(Decision d, Reason reason, String detail) {
        return new Decision(d.topic(), d.deviceId(), d.hash(), d.bytes(), d.receivedAt(), d.report(),
                List.of(Finding.of(reason, detail)), List.of(), d.receipt());
    }

    @Test
    void accepted_figures_are_read_back_by_station_and_race() {
        store.save(turnout(1, "", "h1", 10));
        store.save(result(2, "h1", "r2", 6));
        try (ResultStore reader = ResultStore.open(location())) {
            reader.check();
            assertEquals(10, reader.maxTurnout("el", "S").getAsInt());
            assertTrue(reader.maxTurnout("el", "S-2").isEmpty());
            assertTrue(reader.maxTurnout("other", "S").isEmpty());
            var r = reader.result("el", "S", "R").orElseThrow();
            assertEquals(new org.rts.hub.intake.AcceptedResult("S", "R", "d", "r2", 100, 10, 0, List.of(6, 4),
                    ((ResultReport) result(2, "h1", "r2", 6).report()).figures(), List.of()), r);
            assertTrue(reader.result("el", "S", "R2").isEmpty());
            assertEquals(List.of(r), reader.results("el"));
            assertEquals(List.of(), reader.results("other"));
        }
    }

    @Test
    void rejected_messages_are_listed_for_review_and_conflicts_counted_apart() {
        store.save(turnout(1, "", "h1", 10));
        store.save(rejected(result(2, "h1", "r2", 6), Reason.CONFLICT, "another result for S R"));
        store.save(rejected(result(3, "r2", "r3", 7), Reason.RECONCILIATION_FAILED, "over voting"));
        store.save(rejected(result(4, "r3", "r4", 8), Reason.RECONCILIATION_FAILED, "over voting"));
        store.save(rejected(turnout(5, "r4", "h5", 3), Reason.RECONCILIATION_FAILED, "decreasing"));
        store.save(new Decision("t", "x", "u1", "junk".getBytes(StandardCharsets.US_ASCII), T, null,
                List.of(Finding.of(Reason.MALFORMED, "")), List.of(), new byte[] {1}));

        Map<String, int[]> counts = store.rejectedResults("el");
        assertEquals(Set.of("S"), counts.keySet());
        assertArrayEquals(new int[] {2, 1}, counts.get("S"), "[rejected, conflicts]");
        assertEquals(Map.of(), store.rejectedResults("other"));
        assertEquals(List.of("d seq 2 station S R: CONFLICT", "d seq 3 station S R: RECONCILIATION_FAILED",
                "d seq 4 station S R: RECONCILIATION_FAILED", "d seq 5 station S : RECONCILIATION_FAILED"),
                store.rejectedForReview("el"));
        assertEquals(Map.of("ACCEPTED", 1, "REJECTED", 5), store.inboundCounts());
        assertEquals(List.of("", "CONFLICT", "RECONCILIATION_FAILED", "RECONCILIATION_FAILED",
                "RECONCILIATION_FAILED"), store.inboundReasons("d"));
        assertEquals(List.of("MALFORMED"), store.inboundReasons("x"));
        assertEquals(0, store.storedCopies());
    }

    @Test
    void a_copy_decided_again_is_counted_as_a_stored_copy() {
        Decision junk = new Decision("t", "x", "u1", "junk".getBytes(StandardCharsets.US_ASCII), T, null,
                List.of(Finding.of(Reason.SEQUENCE_GAP, "")), List.of(), new byte[] {1});
        store.save(junk);
        store.save(junk);
        store.save(turnout(1, "", "h1", 10));
        assertEquals(1, store.storedCopies());
        assertEquals(List.of("SEQUENCE_GAP", "SEQUENCE_GAP"), store.inboundReasons("x"));
    }

    @Test
    void a_decision_is_committed_for_every_reader_and_kept_when_reopened() {
        store.save(turnout(1, "", "h1", 10));
        try (MessageStore other = MessageStore.open(location())) {
            assertEquals(new ChainPosition(1, "h1"), other.head("d"));
            assertEquals(Map.of("S", 10), other.turnout("el"));
            assertArrayEquals("receipt h1".getBytes(StandardCharsets.US_ASCII), other.chainedReceipt("h1").orElseThrow());
        }
    }

    @Test
    void a_reader_sees_what_another_connection_committed_since_its_last_read() {
        assertEquals(ChainPosition.START, store.head("d"));
        try (MessageStore other = MessageStore.open(location())) {
            other.save(turnout(1, "", "h1", 10));
        }
        assertEquals(new ChainPosition(1, "h1"), store.head("d"), "no read transaction is left open");
    }

    @Test
    void a_copy_of_a_chained_message_is_not_stored_again() {
        store.save(turnout(1, "", "h1", 10));
        store.save(Decision.resend("topic", "d", "h1", "msg h1".getBytes(StandardCharsets.US_ASCII), T,
                "receipt h1".getBytes(StandardCharsets.US_ASCII)));
        try (MessageStore other = MessageStore.open(location())) {
            assertEquals(Map.of("ACCEPTED", 1), other.inboundCounts());
        }
    }

    @Test
    void a_batch_reads_what_its_decisions_need_and_sees_them_once_committed() {
        store.commitBatch("el", keys(Set.of("h1", "h2", "r1")), state -> {
            assertEquals(ChainPosition.START, state.head("d"));
            assertTrue(state.maxTurnout("S").isEmpty());
            assertTrue(state.result("S", "R").isEmpty());
            return Batch.of(List.of(turnout(1, "", "h1", 10), turnout(2, "h1", "h2", 30), result(3, "h2", "r1", 6)));
        });
        store.commitBatch("el", keys(Set.of("h2", "x")), state -> {
            assertEquals(new ChainPosition(3, "r1"), state.head("d"));
            assertEquals(30, state.maxTurnout("S").getAsInt());
            assertEquals("r1", state.result("S", "R").orElseThrow().messageHash());
            assertArrayEquals("receipt h2".getBytes(StandardCharsets.US_ASCII), state.chainedReceipt("h2")
                    .orElseThrow());
            assertTrue(state.chainedReceipt("x").isEmpty());
            return Batch.of(List.of());
        });
        assertEquals(List.of(6, 4), store.results("el").get(0).votes());
    }

    @Test
    void a_batch_whose_decisions_fail_leaves_nothing_behind() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> store.commitBatch("el",
                keys(Set.of("h1")), state -> {
                    throw new IllegalStateException("signing failed");
                }));
        assertTrue(e.getMessage().contains("signing failed"), e.getMessage());
        assertThrows(StoreException.class, () -> store.commitBatch("el", keys(Set.of("h1", "h2")),
                state -> Batch.of(List.of(turnout(1, "", "h1", 10), turnout(1, "", "h2", 20)))));
        assertEquals(ChainPosition.START, store.head("d"), "the first message of the failed batch is not kept");
        assertEquals(Map.of(), store.turnout("el"));
        assertEquals(Map.of(), store.inboundCounts());
    }

    @Test
    void a_write_that_fails_for_its_own_sake_is_not_transient_and_leaves_the_store_working() {
        store.save(turnout(1, "", "h1", 10));
        StoreException e = assertThrows(StoreException.class, () -> store.save(turnout(1, "", "other", 20)));
        assertFalse(e.transientFault(), "a second message at one place in a chain is the message's fault");
        assertTrue(e.getMessage().startsWith("cannot store a batch of 1 messages"), e.getMessage());
        assertEquals(Map.of("S", 10), store.turnout("el"), "rolled back whole");
        store.save(turnout(2, "h1", "h2", 20));
        assertEquals(new ChainPosition(2, "h2"), store.head("d"));
    }

    @Test
    void unchained_messages_are_counted_and_kept_up_to_their_bounds() {
        for (int i = 0; i < MessageStore.UNCHAINED_BODIES + 1; i++) {
            store.save(new Decision("t", "x", "u" + i, "junk".getBytes(StandardCharsets.US_ASCII), T, null,
                    List.of(Finding.of(Reason.MALFORMED, "")), List.of(), new byte[] {1}));
        }
        assertEquals(new MessageStore.Unchained(MessageStore.UNCHAINED_BODIES + 1, MessageStore.UNCHAINED_BODIES, 0, 0),
                store.unchained("x"));
        assertEquals(new MessageStore.Unchained(0, 0, 0, 0), store.unchained("nobody"));
    }

    @Test
    void a_batch_past_the_unchained_bound_is_counted_not_kept() {
        List<Decision> junk = new ArrayList<>();
        for (int i = 0; i < MessageStore.UNCHAINED_ROWS + 3; i++) {
            junk.add(new Decision("t", "x", "u" + i, "junk".getBytes(StandardCharsets.US_ASCII), T, null,
                    List.of(Finding.of(Reason.MALFORMED, "")), List.of(), new byte[] {1}));
        }
        store.commitBatch("el", new BatchKeys(Set.of("x"), Set.of(), Set.of()), state -> Batch.of(junk));
        assertEquals(new MessageStore.Unchained(MessageStore.UNCHAINED_ROWS, MessageStore.UNCHAINED_BODIES, 3, 12),
                store.unchained("x"));
    }

    /**
     * Two stores, as two hubs, offered the same chain of messages at once (a shared subscription delivers a message
     * again to the other hub when the first did not acknowledge it). Each decides from what its transaction reads:
     * the next message after the head it sees. Each place in the chain is filled exactly once.
     */
    @Test
    void two_stores_deciding_on_one_chain_extend_it_once_per_message() throws Exception {
        int length = 60;
        ExecutorService two = Executors.newFixedThreadPool(2);
        try (MessageStore second = MessageStore.open(location())) {
            List<Future<Integer>> runs = new ArrayList<>();
            for (MessageStore s : List.of(store, second)) {
                runs.add(two.submit(() -> {
                    int written = 0;
                    for (int i = 0; i < length; i++) {
                        written += s.commitBatch("el", keys(Set.of()), state -> {
                            long next = state.head("d").seq() + 1;
                            return Batch.of(next > length ? List.of() : List.of(turnout(next,
                                    state.head("d").msg(), "h" + next, (int) next)));
                        }).size();
                    }
                    return written;
                }));
            }
            int total = runs.get(0).get() + runs.get(1).get();
            assertEquals(length, total, "every message written once between them");
        } finally {
            two.shutdownNow();
        }
        assertEquals(new ChainPosition(length, "h" + length), store.head("d"));
        assertEquals(Map.of("ACCEPTED", length), store.inboundCounts());
        assertEquals(Map.of("S", length), store.turnout("el"));
    }
}
