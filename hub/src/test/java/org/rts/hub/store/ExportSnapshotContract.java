package org.rts.hub.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rts.hub.store.StoreContract.T;
import static org.rts.hub.store.StoreContract.result;
import static org.rts.hub.store.StoreContract.turnout;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rts.hub.intake.Decision;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.TurnoutReport;

/**
 * What an observer export reads, whatever database holds it: every received message in arrival order, and the
 * chains' heads, counts and figures from the same view of the store even while hubs go on writing.
 */
abstract class ExportSnapshotContract {
    MessageStore store;
    ExportSnapshot export;

    /** Where the store under test lives; the same value opens the export on the same data. */
    abstract String location();

    @BeforeEach
    void open() {
        store = MessageStore.open(location());
        export = ExportSnapshot.open(location());
    }

    @AfterEach
    void closeStores() {
        export.close();
        store.close();
    }

    static Decision junk(String device, String hash, int size) {
        return new Decision("junk-topic", device, hash, new byte[size], T, null,
                List.of(Finding.of(Reason.MALFORMED, "")), List.of(), new byte[] {7});
    }

    @Test
    void every_received_message_is_read_in_arrival_order_with_its_answer() throws IOException {
        store.save(turnout(1, "", "h1", 10));
        store.save(junk("x", "u1", 5));
        store.save(result(2, "h1", "r2", 6));
        List<ExportSnapshot.InboundRow> rows = new ArrayList<>();
        export.read("el", rows::add);

        assertEquals(List.of("h1", "u1", "r2"), rows.stream().map(ExportSnapshot.InboundRow::hash).toList());
        assertEquals(List.of("ACCEPTED", "REJECTED", "ACCEPTED"),
                rows.stream().map(ExportSnapshot.InboundRow::status).toList());
        ExportSnapshot.InboundRow first = rows.get(0);
        assertEquals(T.toString(), first.receivedAt());
        assertEquals("topic", first.topic());
        assertEquals("d", first.device());
        assertEquals("msg h1".length(), first.size());
        assertArrayEquals("msg h1".getBytes(StandardCharsets.US_ASCII), first.body());
        assertArrayEquals("receipt h1".getBytes(StandardCharsets.US_ASCII), first.receipt());
        assertEquals("x", rows.get(1).device());
        assertEquals(5, rows.get(1).size());
    }

    @Test
    void a_message_kept_without_its_bytes_is_read_with_no_body() throws IOException {
        for (int i = 0; i <= MessageStore.UNCHAINED_BODIES; i++) {
            store.save(junk("x", "u" + i, 3));
        }
        List<ExportSnapshot.InboundRow> rows = new ArrayList<>();
        export.read("el", rows::add);
        assertEquals(MessageStore.UNCHAINED_BODIES + 1, rows.size());
        assertEquals(3, rows.get(0).body().length);
        ExportSnapshot.InboundRow last = rows.get(MessageStore.UNCHAINED_BODIES);
        assertNull(last.body());
        assertEquals(3, last.size(), "its size is kept");
    }

    @Test
    void the_snapshot_holds_the_heads_the_dropped_counts_and_the_election_s_figures() throws IOException {
        store.save(turnout(1, "", "h1", 10));
        store.save(result(2, "h1", "r2", 6));
        store.save(turnout("e", 1, "", "e1", 25));
        TurnoutReport elsewhere = new TurnoutReport(1, "other", Mode.LIVE, "f", "S-9", 1, "", T, 99);
        store.save(new Decision("topic", "f", "f1", "msg f1".getBytes(StandardCharsets.US_ASCII), T, elsewhere,
                List.of(), List.of(), "receipt f1".getBytes(StandardCharsets.US_ASCII)));
        // a rejected turnout leaves its station without a figure; a unit that sent only junk has no head
        store.save(new Decision("topic", "g", "g1", "msg g1".getBytes(StandardCharsets.US_ASCII), T,
                new TurnoutReport(1, "el", Mode.LIVE, "g", "S-7", 1, "", T, 5),
                List.of(Finding.of(Reason.MALFORMED, "")), List.of(), "receipt g1".getBytes(StandardCharsets.US_ASCII)));
        List<Decision> flood = new ArrayList<>();
        for (int i = 0; i < MessageStore.UNCHAINED_ROWS + 2; i++) {
            flood.add(junk("x", "u" + i, 1));
        }
        store.commitBatch("el", new org.rts.hub.intake.BatchKeys(java.util.Set.of("x"), java.util.Set.of(),
                java.util.Set.of()), state -> org.rts.hub.intake.Batch.of(flood));

        ExportSnapshot.Snapshot s = export.read("el", row -> { });
        assertEquals(Map.of("d", new ChainPosition(2, "r2"), "e", new ChainPosition(1, "e1"),
                "f", new ChainPosition(1, "f1"), "g", new ChainPosition(1, "g1")), s.heads());
        assertEquals(Map.of("x", 2L), s.dropped());
        assertEquals(Map.of("S", 25), s.turnout(), "the election's stations only, with an accepted figure");
        assertEquals(1, s.results().size());
        assertEquals("r2", s.results().get(0).messageHash());
        assertEquals(List.of(6, 4), s.results().get(0).votes());
        assertEquals(store.results("el"), s.results());
        assertEquals(Map.of(), export.read("nothing", row -> { }).turnout());
    }

    @Test
    void what_is_committed_while_the_log_is_read_is_not_in_the_snapshot_but_in_the_next() throws IOException {
        store.save(turnout(1, "", "h1", 10));
        store.save(turnout(2, "h1", "h2", 20));
        List<String> seen = new ArrayList<>();
        ExportSnapshot.Snapshot s = export.read("el", row -> {
            seen.add(row.hash());
            if (seen.size() == 1) {
                try (MessageStore other = MessageStore.open(location())) {
                    other.save(turnout(3, "h2", "h3", 30));
                    other.save(turnout("e", 1, "", "e1", 40));
                }
            }
        });
        assertEquals(List.of("h1", "h2"), seen);
        assertEquals(Map.of("d", new ChainPosition(2, "h2")), s.heads(), "the heads the log commits to");
        assertEquals(Map.of("S", 20), s.turnout());

        seen.clear();
        ExportSnapshot.Snapshot next = export.read("el", row -> seen.add(row.hash()));
        assertEquals(List.of("h1", "h2", "h3", "e1"), seen);
        assertEquals(Map.of("d", new ChainPosition(3, "h3"), "e", new ChainPosition(1, "e1")), next.heads());
        assertEquals(Map.of("S", 40), next.turnout());
    }

    @Test
    void a_failing_sink_ends_the_read_with_its_own_error_and_the_next_read_works() throws IOException {
        store.save(turnout(1, "", "h1", 10));
        store.save(turnout(2, "h1", "h2", 20));
        IOException full = new IOException("no space left on device");
        List<String> seen = new ArrayList<>();
        IOException thrown = assertThrows(IOException.class, () -> export.read("el", row -> {
            seen.add(row.hash());
            throw full;
        }));
        assertSame(full, thrown);
        assertEquals(List.of("h1"), seen, "the read ended at the failure");

        store.save(turnout(3, "h2", "h3", 30));
        seen.clear();
        assertEquals(Map.of("d", new ChainPosition(3, "h3")), export.read("el", row -> seen.add(row.hash())).heads());
        assertEquals(List.of("h1", "h2", "h3"), seen, "no transaction was left open");
    }

    @Test
    void a_store_of_the_earlier_schema_is_upgraded_as_it_opens_and_exports_the_same() throws Exception {
        store.save(turnout(1, "", "h1", 10));
        store.save(junk("x", "u1", 5));
        closeStores();
        String jdbc = location().startsWith("jdbc:") ? location() : "jdbc:sqlite:" + location();
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            // as earlier versions kept it: the path in a table of its own, a second copy in inbound, a hash index
            s.execute("CREATE TABLE paths (msg_hash TEXT PRIMARY KEY, path TEXT NOT NULL)");
            s.execute("INSERT INTO paths (msg_hash, path) SELECT msg_hash, 'stick' FROM chain");
            s.execute("ALTER TABLE chain DROP COLUMN path");
            s.execute("CREATE INDEX inbound_hash ON inbound (msg_hash)");
            try (PreparedStatement copy = c.prepareStatement("UPDATE inbound SET body = ?, receipt = ? WHERE"
                    + " msg_hash = 'h1'")) {
                copy.setBytes(1, "msg h1".getBytes(StandardCharsets.US_ASCII));
                copy.setBytes(2, "receipt h1".getBytes(StandardCharsets.US_ASCII));
                assertEquals(1, copy.executeUpdate());
            }
        }
        open();
        store.save(turnout(2, "h1", "h2", 20));
        List<ExportSnapshot.InboundRow> rows = new ArrayList<>();
        export.read("el", rows::add);

        assertEquals(List.of("h1", "u1", "h2"), rows.stream().map(ExportSnapshot.InboundRow::hash).toList());
        assertEquals(Arrays.asList("stick", null, "mqtt"), rows.stream().map(ExportSnapshot.InboundRow::path)
                .toList(), "the earlier path kept");
        for (ExportSnapshot.InboundRow chained : List.of(rows.get(0), rows.get(2))) {
            assertArrayEquals(("msg " + chained.hash()).getBytes(StandardCharsets.US_ASCII), chained.body());
            assertArrayEquals(("receipt " + chained.hash()).getBytes(StandardCharsets.US_ASCII), chained.receipt());
        }
        try (Connection c = DriverManager.getConnection(jdbc)) {
            Dialect dialect = Dialect.of(location());
            assertFalse(dialect.has(c, "paths", null), "the earlier table dropped");
            assertTrue(dialect.has(c, "chain", "path"));
        }
    }

    @Test
    void a_chained_messages_row_reads_the_chain_and_an_earlier_unchained_copy_keeps_what_it_kept() throws Exception {
        for (int i = 0; i < MessageStore.UNCHAINED_BODIES; i++) {
            store.save(junk("d", "u" + i, 3));
        }
        // the same bytes first left out of the chain past the bound (no body kept), then chained
        store.save(new Decision("topic", "d", "h1", "msg h1".getBytes(StandardCharsets.US_ASCII), T, null,
                List.of(Finding.of(Reason.SEQUENCE_GAP, "")), List.of(), new byte[] {7}));
        store.save(turnout(1, "", "h1", 10));
        List<ExportSnapshot.InboundRow> rows = new ArrayList<>();
        export.read("el", rows::add);
        ExportSnapshot.InboundRow unchained = rows.get(rows.size() - 2);
        ExportSnapshot.InboundRow chained = rows.get(rows.size() - 1);
        assertNull(unchained.body(), "not kept, and not filled in from the chain");
        assertArrayEquals(new byte[] {7}, unchained.receipt());
        assertArrayEquals("msg h1".getBytes(StandardCharsets.US_ASCII), chained.body());
        assertArrayEquals("receipt h1".getBytes(StandardCharsets.US_ASCII), chained.receipt());

        String jdbc = location().startsWith("jdbc:") ? location() : "jdbc:sqlite:" + location();
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            s.execute("DELETE FROM chain WHERE msg_hash = 'h1'"); // a tampered store: the export still goes on
        }
        rows.clear();
        export.read("el", rows::add);
        ExportSnapshot.InboundRow orphan = rows.get(rows.size() - 1);
        assertNull(orphan.body());
        assertArrayEquals(new byte[0], orphan.receipt(), "an empty receipt, which the verifier reports");
    }
}
