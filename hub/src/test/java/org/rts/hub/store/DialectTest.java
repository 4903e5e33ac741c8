package org.rts.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Which database a location names, what a failure says about it, and what a location may not contain. */
class DialectTest {
    @Test
    void a_postgresql_url_names_the_server_and_anything_else_an_sqlite_file() {
        assertEquals(Dialect.POSTGRESQL, Dialect.of("jdbc:postgresql://127.0.0.1:5432/rts?user=rts"));
        assertEquals(Dialect.SQLITE, Dialect.of("/var/lib/rts/hub.db"));
        assertEquals(Dialect.SQLITE, Dialect.of("postgresql.db"));
    }

    @Test
    void a_password_is_hidden_wherever_it_stands_in_the_url() {
        assertEquals("jdbc:postgresql://h/rts?user=rts&password=***&currentSchema=s",
                Dialect.describe("jdbc:postgresql://h/rts?user=rts&password=s3cret&currentSchema=s"));
        assertEquals("jdbc:postgresql://h/rts?password=***", Dialect.describe("jdbc:postgresql://h/rts?password=x"));
        assertEquals("/var/lib/rts/hub.db", Dialect.describe("/var/lib/rts/hub.db"));
    }

    @Test
    void postgresql_faults_of_the_connection_the_server_or_a_lock_are_transient_and_a_statement_s_are_not() {
        for (String state : new String[] {"08006", "53100", "57P01", "40001", "40P01", "55P03"}) {
            assertTrue(Dialect.POSTGRESQL.transientFault(new SQLException("x", state)), state);
        }
        assertTrue(Dialect.POSTGRESQL.transientFault(new SQLException("no state")), "an unknown cause is retried");
        for (String state : new String[] {"23505", "42P01", "55000", "3D000", "28P01"}) {
            assertFalse(Dialect.POSTGRESQL.transientFault(new SQLException("x", state)), state);
        }
    }

    @Test
    void sqlite_faults_of_the_disk_or_a_lock_are_transient_and_a_statement_s_are_not() {
        assertTrue(Dialect.SQLITE.transientFault(new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY)));
        assertTrue(Dialect.SQLITE.transientFault(new SQLiteException("disk", SQLiteErrorCode.SQLITE_FULL)));
        assertTrue(Dialect.SQLITE.transientFault(new SQLiteException("write", SQLiteErrorCode.SQLITE_IOERR_WRITE)),
                "an extended code counts by its primary code");
        assertFalse(Dialect.SQLITE.transientFault(
                new SQLiteException("unique", SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE)));
        assertFalse(Dialect.SQLITE.transientFault(new SQLiteException("syntax", SQLiteErrorCode.SQLITE_ERROR)));
        assertTrue(Dialect.SQLITE.transientFault(new SQLException("locked", null, 5 | 2 << 8)),
                "a plain SQLException by its error code");
        assertFalse(Dialect.SQLITE.transientFault(new SQLException("constraint", null, 19)));
    }

    @Test
    void a_schema_name_that_is_not_a_plain_identifier_is_refused_before_connecting() {
        String url = "jdbc:postgresql://127.0.0.1:1/rts?user=rts&connectTimeout=2&currentSchema=";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dialect.POSTGRESQL.connect(url + "s;drop"));
        assertEquals("currentSchema must be 1-63 of [A-Za-z0-9_], found: s;drop", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dialect.POSTGRESQL.connect(url + "s".repeat(64)));
        assertThrows(IllegalArgumentException.class, () -> Dialect.POSTGRESQL.connect(url));
        assertThrows(SQLException.class, () -> Dialect.POSTGRESQL.connect(url + "s".repeat(63)),
                "a good name goes on to connect (nothing listens on port 1)");
    }
}
