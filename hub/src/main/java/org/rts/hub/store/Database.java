package org.rts.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rts.hub.StoreException;
import org.rts.protocol.codec.Json;

/**
 * One connection to the hub's database, SQLite (one file, WAL, {@code synchronous=FULL}) or PostgreSQL, with the
 * schema every store of the hub shares. Each store holds a connection of its own, so a store never waits on
 * another's work; one connection is used by one thread at a time.
 *
 * <p>After any error the connection is closed and the next call opens a fresh one, so a transaction the database
 * already rolled back (full disk, I/O error, lost connection) never leaves a store stuck.
 */
final class Database implements AutoCloseable {
    private final String location;
    private final Dialect dialect;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private Connection db;

    private Database(String location) {
        this.location = location;
        this.dialect = Dialect.of(location);
    }

    /** Opens a connection to {@code location} (a {@code jdbc:postgresql://...} URL or an SQLite file) now. */
    static Database open(String location) {
        Database d = new Database(location);
        d.connection();
        return d;
    }

    /** Where the database is (a password in it is not shown). */
    String location() {
        return Dialect.describe(location);
    }

    Dialect dialect() {
        return dialect;
    }

    private String schema() {
        String blob = dialect.blob();
        return """
                CREATE TABLE IF NOT EXISTS inbound (
                  id %s, received_at TEXT NOT NULL, topic TEXT NOT NULL, device TEXT NOT NULL,
                  msg_hash TEXT NOT NULL, size INTEGER NOT NULL, body %s, status TEXT NOT NULL,
                  reasons TEXT NOT NULL, receipt %s NOT NULL);
                CREATE INDEX IF NOT EXISTS inbound_device ON inbound (device);
                CREATE TABLE IF NOT EXISTS chain (
                  device TEXT NOT NULL, seq BIGINT NOT NULL, msg_hash TEXT NOT NULL UNIQUE, prev TEXT NOT NULL,
                  kind TEXT NOT NULL, election TEXT NOT NULL, station TEXT NOT NULL, race TEXT, status TEXT NOT NULL,
                  reasons TEXT NOT NULL, warnings TEXT NOT NULL, jws TEXT NOT NULL, receipt %s NOT NULL,
                  received_at TEXT NOT NULL, path TEXT, PRIMARY KEY (device, seq));
                CREATE TABLE IF NOT EXISTS heads (
                  device TEXT PRIMARY KEY, seq BIGINT NOT NULL, msg_hash TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS results (
                  election TEXT NOT NULL, station TEXT NOT NULL, race TEXT NOT NULL, device TEXT NOT NULL,
                  msg_hash TEXT NOT NULL, registered INTEGER NOT NULL, received INTEGER NOT NULL,
                  unused INTEGER NOT NULL, spoiled INTEGER NOT NULL, in_box INTEGER NOT NULL,
                  invalid INTEGER NOT NULL, votes TEXT NOT NULL, figures TEXT NOT NULL, warnings TEXT NOT NULL,
                  accepted_at TEXT NOT NULL, PRIMARY KEY (election, station, race));
                CREATE TABLE IF NOT EXISTS stations (
                  election TEXT NOT NULL, station TEXT NOT NULL, max_voters INTEGER NOT NULL,
                  PRIMARY KEY (election, station));
                CREATE TABLE IF NOT EXISTS unchained (
                  device TEXT PRIMARY KEY, stored BIGINT NOT NULL, dropped BIGINT NOT NULL,
                  dropped_bytes BIGINT NOT NULL, last_at TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS rejected_bodies (
                  device TEXT PRIMARY KEY, station TEXT NOT NULL, kept BIGINT NOT NULL, kept_bytes BIGINT NOT NULL,
                  withheld BIGINT NOT NULL, withheld_bytes BIGINT NOT NULL, since TEXT, last_at TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS forward_queue (
                  id %s, upstream TEXT NOT NULL, msg_hash TEXT NOT NULL, enqueued_at BIGINT NOT NULL,
                  state TEXT NOT NULL, attempts INTEGER NOT NULL, next_at BIGINT NOT NULL, lease_until BIGINT,
                  leased_by TEXT, last_error TEXT, done_at BIGINT, UNIQUE (upstream, msg_hash));
                CREATE INDEX IF NOT EXISTS forward_due ON forward_queue (upstream, state, next_at);
                CREATE TABLE IF NOT EXISTS units (
                  device TEXT PRIMARY KEY, station TEXT NOT NULL, state TEXT NOT NULL, last_seen TEXT,
                  session BIGINT NOT NULL, telemetry TEXT, clock_offset BIGINT, flags TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS alerts (
                  rule TEXT NOT NULL, subject TEXT NOT NULL, station TEXT, detail TEXT NOT NULL, since TEXT NOT NULL,
                  opened TEXT NOT NULL, closed TEXT, PRIMARY KEY (rule, subject, opened));
                CREATE TABLE IF NOT EXISTS receipt_log (
                  log TEXT NOT NULL, idx BIGINT NOT NULL, leaf_hash %s NOT NULL, PRIMARY KEY (log, idx));
                CREATE TABLE IF NOT EXISTS receipt_leaves (
                  log TEXT NOT NULL, idx BIGINT NOT NULL, leaf %s NOT NULL, PRIMARY KEY (log, idx));
                CREATE TABLE IF NOT EXISTS receipt_heads (
                  log TEXT NOT NULL, size BIGINT NOT NULL, head TEXT NOT NULL, PRIMARY KEY (log, size));
                CREATE TABLE IF NOT EXISTS ops_sessions (
                  token_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, until BIGINT NOT NULL);
                CREATE TABLE IF NOT EXISTS alert_actions (
                  rule TEXT NOT NULL, subject TEXT NOT NULL, opened TEXT NOT NULL, at BIGINT NOT NULL,
                  user_name TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS audit_selection (
                  election TEXT PRIMARY KEY, seed TEXT NOT NULL, count INTEGER NOT NULL,
                  per_constituency INTEGER NOT NULL, threshold TEXT NOT NULL, user_name TEXT NOT NULL, at TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS audit_counts (
                  election TEXT NOT NULL, station TEXT NOT NULL, race TEXT NOT NULL, in_box INTEGER NOT NULL,
                  invalid INTEGER NOT NULL, votes TEXT NOT NULL, user_name TEXT NOT NULL, at TEXT NOT NULL,
                  PRIMARY KEY (election, station, race));
                CREATE TABLE IF NOT EXISTS photos (
                  sha TEXT PRIMARY KEY, device TEXT NOT NULL, station TEXT NOT NULL, size INTEGER NOT NULL,
                  data %s NOT NULL, received_at TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS photo_parts (
                  device TEXT NOT NULL, sha TEXT NOT NULL, pos BIGINT NOT NULL, data %s NOT NULL,
                  PRIMARY KEY (device, sha, pos));
                CREATE TABLE IF NOT EXISTS unit_points (
                  device TEXT NOT NULL, at BIGINT NOT NULL, battery INTEGER, mains INTEGER, charging INTEGER,
                  signal INTEGER, pending INTEGER NOT NULL, PRIMARY KEY (device, at));
                CREATE INDEX IF NOT EXISTS unit_points_at ON unit_points (at);
                CREATE TABLE IF NOT EXISTS unit_battery (
                  device TEXT PRIMARY KEY, log TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS audit_notices (
                  id %s, hash TEXT NOT NULL UNIQUE, election TEXT NOT NULL, station TEXT NOT NULL, race TEXT NOT NULL,
                  under_audit INTEGER NOT NULL, jws TEXT NOT NULL, at TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS room_points (
                  series TEXT NOT NULL, at BIGINT NOT NULL, value BIGINT NOT NULL, PRIMARY KEY (at, series))
                """.formatted(dialect.serial(), blob, blob, blob, dialect.serial(), blob, blob, blob, blob,
                dialect.serial());
    }

    private Connection connection() throws StoreException {
        if (db != null) {
            return db;
        }
        Connection c = null;
        try {
            c = dialect.connect(location);
            dialect.create(c, location, Arrays.stream(schema().split(";")).filter(ddl -> !ddl.isBlank()).toList(),
                    this::upgrade);
            dialect.prepare(c);
            db = c;
            return c;
        } catch (SQLException e) {
            close(c);
            throw failure("cannot open hub store " + location(), e);
        }
    }

    /**
     * Stores made before a chained message's delivery path moved into {@code chain} (from a table of its own, one
     * more index touched at random per message) and before {@code inbound} lost its index on the hash.
     */
    private void upgrade(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (!dialect.has(c, "chain", "path")) {
                s.execute("ALTER TABLE chain ADD COLUMN path TEXT");
            }
            if (dialect.has(c, "paths", null)) {
                s.execute("UPDATE chain SET path = (SELECT p.path FROM paths p WHERE p.msg_hash = chain.msg_hash)"
                        + " WHERE path IS NULL");
                s.execute("DROP TABLE IF EXISTS paths");
            }
            s.execute("DROP INDEX IF EXISTS inbound_hash");
        }
    }

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on the connection; on any error drops the connection so the next call starts afresh. */
    <T> T run(String what, Work<T> work) {
        Connection c = connection();
        try {
            return work.run(c);
        } catch (SQLException | RuntimeException e) {
            discard();
            if (e instanceof StoreException se) {
                throw se;
            }
            throw e instanceof SQLException sql ? failure("cannot " + what, sql)
                    : new StoreException("cannot " + what + ": " + e, false, e);
        }
    }

    /** One statement in a transaction of its own. */
    void update(String what, String sql, Object... args) {
        run(what, c -> {
            dialect.begin(c);
            PreparedStatement ps = statement(c, sql);
            bind(ps, args);
            ps.executeUpdate();
            dialect.commit(c);
            return null;
        });
    }

    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    <T> Optional<T> queryOne(String sql, Row<T> row, Object... args) {
        List<T> all = queryAll(sql, row, args);
        return all.isEmpty() ? Optional.empty() : Optional.ofNullable(all.get(0));
    }

    <T> List<T> queryAll(String sql, Row<T> row, Object... args) {
        return run("query the hub store", c -> {
            PreparedStatement ps = statement(c, sql);
            bind(ps, args);
            List<T> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(row.read(rs));
                }
            }
            dialect.endRead(c);
            return list;
        });
    }

    /** A prepared statement of this connection, kept for the next call. */
    PreparedStatement statement(Connection c, String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = c.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    private void discard() {
        Connection c = db;
        db = null;
        statements.clear();
        if (c != null) {
            try {
                dialect.rollback(c);
            } catch (SQLException ignored) {
                // the database may have rolled back already (full disk): closing below discards what is left
            }
            close(c);
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // the connection is dropped either way
            }
        }
    }

    private StoreException failure(String what, SQLException e) {
        return new StoreException(what + " (" + location() + "): " + e.getMessage(), dialect.transientFault(e), e);
    }

    @Override
    public void close() {
        discard();
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                ps.setNull(i + 1, java.sql.Types.NULL);
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }

    static String json(Collection<String> values) {
        try {
            return Json.mapper().writeValueAsString(values);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
