package org.rts.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.rts.hub.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rts.hub.testing.TestDatabase;

/** The store in PostgreSQL, shared by the hubs of a group; each test in a schema of its own. */
class PostgresStoreTest extends StoreContract {
    private final TestDatabase database = new TestDatabase();

    @Override
    String location() {
        return database.url();
    }

    @AfterEach
    void dropSchema() {
        database.close();
    }

    @Test
    void a_device_locked_by_another_hub_for_too_long_is_a_transient_fault() throws Exception {
        store.save(turnout(1, "", "h1", 10));
        try (Connection other = database.connect(); Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            s.execute("SELECT * FROM heads WHERE device = 'd' FOR UPDATE");
            StoreException e = assertThrows(StoreException.class, () -> store.save(turnout(2, "h1", "h2", 10)));
            assertTrue(e.transientFault(), e.getMessage());
            other.rollback();
        }
        store.save(turnout(2, "h1", "h2", 10));
        assertEquals(2, store.head("d").seq());
    }

    @Test
    void hubs_starting_together_on_an_empty_database_all_open_it() throws Exception {
        try (TestDatabase empty = new TestDatabase(); ExecutorService pool = Executors.newFixedThreadPool(6)) {
            CyclicBarrier start = new CyclicBarrier(6);
            List<Future<MessageStore>> opened = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                opened.add(pool.submit(() -> {
                    start.await();
                    return MessageStore.open(empty.url());
                }));
            }
            for (Future<MessageStore> f : opened) {
                try (MessageStore each = f.get()) {
                    each.check();
                }
            }
        }
    }

    @Test
    void a_password_is_not_shown_and_a_bad_schema_name_is_refused() {
        assertFalse(MessageStore.open(location() + "&password=secret").location().contains("secret"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MessageStore.open("jdbc:postgresql://127.0.0.1:5432/rts?user=rts&currentSchema=a;drop"));
        assertTrue(e.getMessage().contains("currentSchema"), e.getMessage());
    }

    @Test
    void an_unreachable_server_is_a_transient_fault_with_its_address() {
        StoreException e = assertThrows(StoreException.class,
                () -> MessageStore.open("jdbc:postgresql://127.0.0.1:1/rts?user=rts&connectTimeout=2"));
        assertTrue(e.transientFault(), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
    }
}
