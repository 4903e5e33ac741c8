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
    void a_store_in_a_folder_not_yet_there_is_created_with_its_folders() {
        Path file = dir.resolve("a/b/hub.db");
        try (ResultStore created = ResultStore.open(file)) {
            created.check();
        }
        assertTrue(Files.isRegularFile(file));
    }

    @Test
    void a_store_whose_folder_cannot_be_made_says_where_and_why() throws Exception {
        Files.writeString(dir.resolve("taken"), "a file, not a folder");
        String location = dir.resolve("taken/hub.db").toString();
        StoreException e = assertThrows(StoreException.class, () -> MessageStore.open(location));
        assertTrue(e.getMessage().startsWith("cannot open hub store " + location), e.getMessage());
        assertTrue(e.getMessage().contains("cannot create the folder of " + location), e.getMessage());
    }

    @Test
    void a_file_that_is_not_a_database_is_refused_with_its_name() throws Exception {
        Path file = dir.resolve("notes.db");
        Files.writeString(file, "these are notes, not a database ".repeat(100));
        StoreException e = assertThrows(StoreException.class, () -> ResultStore.open(file));
        assertTrue(e.getMessage().startsWith("cannot open hub store " + file), e.getMessage());
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
