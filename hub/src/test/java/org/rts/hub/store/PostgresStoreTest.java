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
    void a_database_missing_on_the_server_is_named_and_not_retried_as_is() {
        StoreException e = assertThrows(StoreException.class,
                () -> ResultStore.open("jdbc:postgresql://127.0.0.1:5432/no_such_db?user=rts&password=secret"));
        assertFalse(e.transientFault(), e.getMessage());
        assertTrue(e.getMessage().startsWith("cannot open hub store jdbc:postgresql://127.0.0.1:5432/no_such_db"),
                e.getMessage());
        assertTrue(e.getMessage().contains("no_such_db\""), e.getMessage());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void the_tables_are_made_in_the_schema_the_url_names_wherever_it_stands_in_the_url() throws Exception {
        assertEquals(TABLES, tables(database, location()));
        try (TestDatabase other = new TestDatabase()) {
            String url = other.url();
            String schema = url.substring(url.indexOf("currentSchema="));
            String server = url.substring(0, url.indexOf('?'));
            String params = url.substring(url.indexOf('?') + 1).replace("&" + schema, "");
            try (ResultStore first = ResultStore.open(server + "?" + schema + "&" + params)) {
                first.check();
            }
            assertEquals(TABLES, tables(other, url));
        }
    }

    static final List<String> TABLES = List.of("alert_actions", "alerts", "audit_counts", "audit_notices",
            "audit_selection", "chain", "forward_queue", "heads", "inbound", "ops_sessions", "photo_parts",
            "photos", "receipt_heads", "receipt_leaves", "receipt_log", "rejected_bodies", "results", "room_points",
            "stations", "unchained", "unit_battery", "unit_points", "units");

    static List<String> tables(TestDatabase database, String url) throws Exception {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = database.connect();
             var ps = c.prepareStatement("SELECT table_name FROM information_schema.tables WHERE table_schema = ?"
                     + " ORDER BY table_name")) {
            ps.setString(1, schema);
            List<String> tables = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            return tables;
        }
    }

    @Test
    void an_unreachable_server_is_a_transient_fault_with_its_address() {
        StoreException e = assertThrows(StoreException.class,
                () -> MessageStore.open("jdbc:postgresql://127.0.0.1:1/rts?user=rts&connectTimeout=2"));
        assertTrue(e.transientFault(), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
    }
}
