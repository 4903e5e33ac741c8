package org.rts.hub.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A PostgreSQL schema of its own for one test, on the server {@code bin/services} starts (role and database
 * {@code rts}); {@code RTS_TEST_POSTGRES} names another server. Dropped with everything in it by {@link #close}.
 */
public final class TestDatabase implements AutoCloseable {
    private static final String SERVER = System.getenv().getOrDefault("RTS_TEST_POSTGRES",
            "jdbc:postgresql://127.0.0.1:5432/rts?user=rts&password=rts");

    private final String schema = "t_" + UUID.randomUUID().toString().replace("-", "");

    /** The store location a hub is given: the server with this test's schema. */
    public String url() {
        return SERVER + (SERVER.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A plain connection to the test's schema, to look at or to hold locks. */
    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(SERVER);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            s.execute("SET search_path TO " + schema);
        }
        return c;
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + schema + ": " + e.getMessage(), e);
        }
    }
}
