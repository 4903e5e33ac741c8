package org.rts.agent.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.AgentException;
import org.rts.protocol.message.ChainPosition;

/**
 * The outbox on its own, with a signer that writes plain text: sequence numbers and the chain come from here,
 * in one transaction with the message, whoever else writes to the file.
 */
class OutboxTest {
    private static final Instant T = Instant.parse("2026-11-22T18:00:00Z");

    @TempDir
    Path dir;

    private Path file;
    private Outbox outbox;

    @BeforeEach
    void setUp() {
        file = dir.resolve("outbox.db");
        outbox = Outbox.create(file);
    }

    @AfterEach
    void tearDown() {
        outbox.close();
    }

    /** A "message" that records where it was signed: seq and prev are in its text. */
    private static Outbox.Signer turnout(int voters) {
        return (seq, prev) -> new Outbox.Signed("turnout", "S-1", "turnout." + seq + "." + prev + "." + voters,
                "turnout " + voters, voters);
    }

    private static Outbox.Resigner again(String tag) {
        return (entry, seq, prev) -> new Outbox.Signed(entry.kind(), entry.station(), entry.jws() + "." + tag + "."
                + seq + "." + prev, entry.summary(), null);
    }

    @Test
    void messages_chain_one_after_another_and_read_back_in_order() {
        OutboxEntry a = outbox.append(turnout(10), T);
        OutboxEntry b = outbox.append(turnout(20), T);
        assertEquals(List.of(1L, 2L), List.of(a.seq(), b.seq()));
        assertEquals("turnout.2." + a.hash() + ".20", b.jws());
        assertEquals(new ChainPosition(2, b.hash()), outbox.head());
        assertEquals(List.of(b, a), outbox.recent(5));
        assertEquals(List.of(b), outbox.recent(1));
        assertEquals(List.of(a, b), outbox.pending());
        assertEquals(Optional.of(a), outbox.byHash(a.hash()));
        assertEquals(Optional.empty(), outbox.byHash("nope"));
        assertEquals(file, outbox.file());
    }

    @Test
    void a_message_leaves_the_pending_set_with_its_receipt_and_keeps_its_record() {
        OutboxEntry a = outbox.append(turnout(10), T);
        outbox.markSent(a.id(), T);
        outbox.markSent(a.id(), T);
        outbox.markHeld(a.hash(), "CERTIFICATE_UNTRUSTED", T);
        OutboxEntry held = outbox.byHash(a.hash()).orElseThrow();
        assertEquals(2, held.attempts());
        assertEquals("CERTIFICATE_UNTRUSTED", held.held());
        assertTrue(held.pending());
        outbox.recordReceipt(a.hash(), "ACCEPTED", "ABCD-EFGH", "", "receipt", T);
        OutboxEntry done = outbox.byHash(a.hash()).orElseThrow();
        assertEquals(List.of("ACCEPTED", "ABCD-EFGH", "receipt"), List.of(done.status(), done.code(), done.receipt()));
        assertEquals(null, done.held());
        assertEquals(List.of(), outbox.pending());
        outbox.recordReceipt(a.hash(), "REJECTED", "XXXX-XXXX", "late", "other", T);
        assertEquals("ACCEPTED", outbox.byHash(a.hash()).orElseThrow().status(), "the first final receipt stays");
    }

    @Test
    void the_last_turnout_is_per_station_and_ignores_rejected_figures() {
        OutboxEntry a = outbox.append(turnout(300), T);
        outbox.append(turnout(100), T);
        assertEquals(OptionalInt.of(300), outbox.lastTurnout("S-1"));
        outbox.recordReceipt(a.hash(), "REJECTED", "C", "r", "x", T);
        assertEquals(OptionalInt.of(100), outbox.lastTurnout("S-1"));
        assertEquals(OptionalInt.empty(), outbox.lastTurnout("S-2"));
    }

    @Test
    void a_restart_links_to_the_given_head_and_moves_what_waits_behind_it() {
        OutboxEntry a = outbox.append(turnout(10), T);
        outbox.recordReceipt(a.hash(), "ACCEPTED", "C", "", "r", T);
        OutboxEntry b = outbox.append(turnout(20), T);
        OutboxEntry c = outbox.append(turnout(30), T);
        Map<String, OutboxEntry> moved = outbox.restart(new ChainPosition(7, "hubhead"),
                (seq, prev) -> new Outbox.Signed("restart", "S-1", "restart." + seq + "." + prev, "restart", null),
                again("moved"), T);
        List<OutboxEntry> pending = outbox.pending();
        assertEquals(List.of(8L, 9L, 10L), pending.stream().map(OutboxEntry::seq).toList());
        assertEquals("restart.8.hubhead", pending.get(0).jws());
        assertEquals(b.jws() + ".moved.9." + pending.get(0).hash(), pending.get(1).jws());
        assertEquals(c.jws() + ".moved.10." + pending.get(1).hash(), pending.get(2).jws());
        assertEquals(Map.of(b.hash(), pending.get(1), c.hash(), pending.get(2)), moved);
        assertEquals("SUPERSEDED", outbox.byHash(b.hash()).orElseThrow().status());
        assertEquals(new ChainPosition(10, pending.get(2).hash()), outbox.head());

        // a second restart replaces the first one, which waited, and moves the others once more
        Map<String, OutboxEntry> again = outbox.restart(new ChainPosition(9, "head2"),
                (seq, prev) -> new Outbox.Signed("restart", "S-1", "restart2." + seq + "." + prev, "restart", null),
                again("twice"), T);
        List<OutboxEntry> now = outbox.pending();
        assertEquals(List.of("restart", "turnout", "turnout"), now.stream().map(OutboxEntry::kind).toList());
        assertEquals(now.get(0), again.get(pending.get(0).hash()), "the old restart stands for the new one");
    }

    @Test
    void waiting_messages_signed_again_keep_their_places_and_the_old_signatures_are_kept() throws Exception {
        OutboxEntry a = outbox.append(turnout(10), T);
        outbox.recordReceipt(a.hash(), "ACCEPTED", "C", "", "r", T);
        OutboxEntry b = outbox.append(turnout(20), T);
        OutboxEntry c = outbox.append(turnout(30), T);
        assertEquals(2, outbox.resignPending(again("newcert"), "new certificate", T));
        List<OutboxEntry> pending = outbox.pending();
        assertEquals(List.of(2L, 3L), pending.stream().map(OutboxEntry::seq).toList());
        assertEquals(b.jws() + ".newcert.2." + a.hash(), pending.get(0).jws());
        assertEquals(c.jws() + ".newcert.3." + pending.get(0).hash(), pending.get(1).jws());
        assertEquals(0, pending.get(0).attempts());
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             ResultSet rs = raw.createStatement().executeQuery("SELECT COUNT(*), MIN(why) FROM history")) {
            rs.next();
            assertEquals(2, rs.getInt(1));
            assertEquals("new certificate", rs.getString(2));
        }
        assertEquals(0, Outbox.create(dir.resolve("empty.db")).resignPending(again("x"), "none", T));
    }

    @Test
    void abandoned_messages_stay_on_record_and_the_chain_continues_before_them() {
        OutboxEntry a = outbox.append(turnout(10), T);
        outbox.recordReceipt(a.hash(), "ACCEPTED", "C", "", "r", T);
        outbox.append(turnout(20), T);
        outbox.append(turnout(30), T);
        assertEquals(2, outbox.abandonPending(T));
        assertEquals(List.of(), outbox.pending());
        assertEquals(new ChainPosition(1, a.hash()), outbox.head());
        assertEquals(2, outbox.append(turnout(40), T).seq());
        assertEquals(2, outbox.recent(10).stream().filter(e -> "ABANDONED".equals(e.status())).count());
        assertEquals(1, outbox.pending().size());
    }

    @Test
    void a_signer_that_fails_leaves_nothing_half_written_and_the_outbox_goes_on() {
        outbox.append(turnout(10), T);
        assertThrows(IllegalStateException.class, () -> outbox.append((seq, prev) -> {
            throw new IllegalStateException("the key is not readable");
        }, T));
        assertEquals(2, outbox.append(turnout(20), T).seq());
        assertEquals(2, outbox.pending().size());
    }

    @Test
    void a_message_that_cannot_be_stored_is_refused_whole_and_the_outbox_goes_on() {
        OutboxEntry a = outbox.append(turnout(10), T);
        AgentException e = assertThrows(AgentException.class, () -> outbox.append((seq, prev) ->
                new Outbox.Signed("turnout", "S-1", a.jws(), "the same bytes again", 10), T));
        assertTrue(e.getMessage().contains("nothing was sent; free disk space and transmit again"), e.getMessage());
        assertEquals(2, outbox.append(turnout(20), T).seq());
    }

    @Test
    void two_outboxes_on_one_file_never_sign_the_same_sequence_number() throws Exception {
        List<CompletableFuture<List<Long>>> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            writers.add(CompletableFuture.supplyAsync(() -> {
                List<Long> seqs = new ArrayList<>();
                try (Outbox mine = Outbox.open(file)) {
                    for (int i = 0; i < 25; i++) {
                        seqs.add(mine.append(turnout(i), T).seq());
                    }
                }
                return seqs;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (var w : writers) {
            all.addAll(w.get(60, TimeUnit.SECONDS));
        }
        assertEquals(50, all.stream().distinct().count());
        List<OutboxEntry> chain = outbox.pending();
        for (int i = 1; i < chain.size(); i++) {
            assertTrue(chain.get(i).jws().contains("." + chain.get(i - 1).hash() + "."), "links to its predecessor");
        }
    }

    @Test
    void a_writer_waits_for_another_that_holds_the_file_instead_of_failing() throws Exception {
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = other.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            CompletableFuture<OutboxEntry> waiting = CompletableFuture.supplyAsync(() -> outbox.append(turnout(1), T));
            Thread.sleep(4_000); // longer than SQLite's default wait of 3 s: the outbox waits up to 10 s
            assertFalse(waiting.isDone());
            s.execute("COMMIT");
            assertEquals(1, waiting.get(30, TimeUnit.SECONDS).seq());
        }
    }

    @Test
    void the_file_is_a_write_ahead_log_database_cleaned_up_on_close() throws Exception {
        outbox.append(turnout(1), T);
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             ResultSet rs = raw.createStatement().executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertEquals("wal", rs.getString(1));
        }
        assertTrue(Files.exists(dir.resolve("outbox.db-wal")));
        outbox.close();
        assertFalse(Files.exists(dir.resolve("outbox.db-wal")));
        outbox = Outbox.open(file);
        assertEquals(1, outbox.pending().size());
    }

    @Test
    void an_existing_outbox_is_never_replaced_and_a_lost_one_is_set_aside() throws Exception {
        outbox.append(turnout(1), T);
        assertThrows(AgentException.class, () -> Outbox.create(file));
        outbox.close();
        assertEquals(Optional.empty(), Outbox.setAside(dir.resolve("none.db"), T));
        Path aside = Outbox.setAside(file, T).orElseThrow();
        assertEquals("outbox.db.lost-2026-11-22T18-00-00Z", aside.getFileName().toString());
        assertFalse(Files.exists(file));
        assertTrue(Files.exists(aside));
        assertThrows(OutboxLostException.class, () -> Outbox.open(file));
        outbox = Outbox.create(file);
    }

    @Test
    void a_file_of_another_program_is_not_taken_for_an_outbox() throws Exception {
        Path other = dir.resolve("other.db");
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + other)) {
            raw.createStatement().execute("CREATE TABLE t (x)");
        }
        OutboxLostException e = assertThrows(OutboxLostException.class, () -> Outbox.open(other));
        assertTrue(e.getMessage().contains("schema version 0"), e.getMessage());
    }
}
