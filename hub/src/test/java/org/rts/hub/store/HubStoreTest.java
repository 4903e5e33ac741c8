package org.rts.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.TurnoutReport;

/** The store's own promises: committed means visible to anyone, a failed write leaves it usable. */
class HubStoreTest {
    private static final Instant T = Instant.parse("2026-11-22T18:00:00Z");

    @TempDir
    Path dir;

    private HubStore store;

    @BeforeEach
    void open() {
        store = HubStore.open(dir.resolve("hub.db"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Decision turnout(long seq, String prev, String hash, int voters) {
        TurnoutReport t = new TurnoutReport(1, "el", Mode.LIVE, "d", "S", seq, prev, T, voters);
        return new Decision("topic", "d", hash, ("msg " + hash).getBytes(StandardCharsets.US_ASCII), T, t, List.of(),
                List.of(), "receipt".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void a_decision_is_committed_for_every_reader_and_kept_when_reopened() {
        store.save(turnout(1, "", "h1", 10));
        try (HubStore other = HubStore.open(dir.resolve("hub.db"))) {
            assertEquals(new ChainPosition(1, "h1"), other.head("d"));
            assertEquals(java.util.Map.of("S", 10), other.turnout("el"));
        }
        assertEquals(dir.resolve("hub.db"), store.file());
    }

    @Test
    void a_reader_sees_what_another_connection_committed_since_its_last_read() {
        assertEquals(ChainPosition.START, store.head("d"));
        try (HubStore other = HubStore.open(dir.resolve("hub.db"))) {
            other.save(turnout(1, "", "h1", 10));
        }
        assertEquals(new ChainPosition(1, "h1"), store.head("d"), "no read transaction is left open");
    }

    @Test
    void a_resend_is_logged_with_the_receipt_it_got() {
        store.save(turnout(1, "", "h1", 10));
        store.saveResend("topic", "d", "h1", "msg h1".getBytes(StandardCharsets.US_ASCII),
                "receipt".getBytes(StandardCharsets.US_ASCII), T);
        try (HubStore other = HubStore.open(dir.resolve("hub.db"))) {
            assertEquals(java.util.Map.of("ACCEPTED", 1, "RESEND", 1), other.inboundCounts());
        }
    }

    @Test
    void a_write_that_fails_for_its_own_sake_is_not_transient_and_leaves_the_store_working() {
        store.save(turnout(1, "", "h1", 10));
        StoreException e = assertThrows(StoreException.class, () -> store.save(turnout(1, "", "other", 20)));
        assertFalse(e.transientFault(), "a second message at one place in a chain is the message's fault");
        assertTrue(e.getMessage().startsWith("cannot store message other from d"), e.getMessage());
        assertEquals(java.util.Map.of("S", 10), store.turnout("el"), "rolled back whole");
        store.save(turnout(2, "h1", "h2", 20));
        assertEquals(new ChainPosition(2, "h2"), store.head("d"));
    }

    @Test
    void a_locked_database_is_a_transient_fault() throws Exception {
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("hub.db"));
             Statement s = other.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            StoreException e = assertThrows(StoreException.class, () -> store.save(turnout(1, "", "h1", 10)));
            assertTrue(e.transientFault(), e.getMessage());
            s.execute("ROLLBACK");
        }
        store.save(turnout(1, "", "h1", 10));
        assertEquals(1, store.head("d").seq());
    }

    @Test
    void closing_the_last_connection_leaves_no_write_ahead_log_behind() {
        store.save(turnout(1, "", "h1", 10));
        assertTrue(Files.exists(dir.resolve("hub.db-wal")));
        store.close();
        assertFalse(Files.exists(dir.resolve("hub.db-wal")));
        assertEquals(1, store.head("d").seq(), "a closed store opens again on use");
    }

    @Test
    void unchained_messages_are_counted_and_kept_up_to_their_bounds() {
        for (int i = 0; i < HubStore.UNCHAINED_BODIES + 1; i++) {
            store.save(new Decision("t", "x", "u" + i, "junk".getBytes(StandardCharsets.US_ASCII), T, null,
                    List.of(Finding.of(Reason.MALFORMED, "")), List.of(), new byte[] {1}));
        }
        assertEquals(new HubStore.Unchained(HubStore.UNCHAINED_BODIES + 1, HubStore.UNCHAINED_BODIES, 0, 0),
                store.unchained("x"));
        assertEquals(new HubStore.Unchained(0, 0, 0, 0), store.unchained("nobody"));
    }
}
