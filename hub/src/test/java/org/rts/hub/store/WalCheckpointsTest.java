package org.rts.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A single hub's SQLite log copied into the database file by a thread of the store's own while it writes on. */
class WalCheckpointsTest {
    @TempDir
    Path dir;

    @Test
    void what_the_store_committed_reaches_the_database_file_itself_while_it_stays_open() throws Exception {
        Path file = dir.resolve("hub.db");
        try (MessageStore store = MessageStore.open(file)) {
            for (int i = 1; i <= 50; i++) {
                store.save(StoreContract.turnout(i, i == 1 ? "" : "h" + (i - 1), "h" + i, i));
            }
            // far below the connections' own threshold: only the checkpoint thread copies these pages
            long until = System.nanoTime() + 30_000_000_000L;
            long rows = 0;
            while (rows < 50 && System.nanoTime() < until) {
                Thread.sleep(100);
                rows = chainRowsInFileAlone(file);
            }
            assertEquals(50, rows, "chain rows in the database file without its log");
        }
    }

    @Test
    void a_postgresql_store_has_nothing_to_copy() {
        assertNull(WalCheckpoints.start("jdbc:postgresql://127.0.0.1:1/none"));
    }

    /** Rows of {@code chain} in a copy of the database file without its write-ahead log. */
    private long chainRowsInFileAlone(Path file) throws Exception {
        Path copy = dir.resolve("copy.db");
        Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + copy); var s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM chain")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException notYet) {
            return 0; // no table in the file yet, or a copy taken while the checkpoint was writing
        } finally {
            Files.deleteIfExists(copy);
        }
    }
}
