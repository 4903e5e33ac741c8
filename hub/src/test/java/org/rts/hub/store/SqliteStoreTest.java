package org.rts.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.rts.hub.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store in one SQLite file, a single hub's. */
class SqliteStoreTest extends StoreContract {
    @TempDir
    Path dir;

    @Override
    String location() {
        return dir.resolve("hub.db").toString();
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
        assertEquals(dir.resolve("hub.db").toString(), store.location());
    }
}
