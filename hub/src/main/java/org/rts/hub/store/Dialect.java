package org.rts.hub.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteException;

/**
 * What differs between the two databases the hub can keep its store in: SQLite, one file for a single hub, and
 * PostgreSQL, shared by several hubs. The SQL is otherwise the same.
 */
enum Dialect {
    /** An embedded file; every transaction takes the write lock at once, so one hub process at a time. */
    SQLITE {
        @Override
        Connection connect(String location) throws SQLException {
            try {
                Path file = Path.of(location).toAbsolutePath();
                Files.createDirectories(file.getParent());
            } catch (java.io.IOException e) {
                throw new SQLException("cannot create the folder of " + location + ": " + e.getMessage(), e);
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(LOCK_TIMEOUT_MILLIS);
            Connection c = config.createConnection("jdbc:sqlite:" + Path.of(location).toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_autocheckpoint = " + BACKSTOP_PAGES);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return c;
        }

        /** Reads run on their own; a batch takes the write lock before it reads, so it never has to upgrade. */
        @Override
        void prepare(Connection c) throws SQLException {
            c.setAutoCommit(true);
        }

        @Override
        void begin(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
        }

        @Override
        void commit(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("COMMIT");
            }
        }

        @Override
        void rollback(Connection c) throws SQLException {
            // fails harmlessly when no transaction is open
            try (Statement s = c.createStatement()) {
                s.execute("ROLLBACK");
            }
        }

        @Override
        void endRead(Connection c) {
            // each read ran in its own transaction
        }

        @Override
        void beginSnapshot(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN");
            }
        }

        @Override
        void endSnapshot(Connection c) throws SQLException {
            commit(c);
        }

        @Override
        String blob() {
            return "BLOB";
        }

        @Override
        String serial() {
            return "INTEGER PRIMARY KEY";
        }

        @Override
        String jsonTable() {
            return "json_each(?)";
        }

        @Override
        String lockRows() {
            return "";
        }

        @Override
        boolean transientFault(SQLException e) {
            int code = e instanceof SQLiteException se ? se.getResultCode().code & 0xFF : e.getErrorCode() & 0xFF;
            return SQLITE_TRANSIENT.contains(code);
        }
    },

    /** A server several hubs share; the devices' and stations' rows of a batch are locked for its transaction. */
    POSTGRESQL {
        @Override
        void prepare(Connection c) throws SQLException {
            c.setAutoCommit(false);
        }

        @Override
        void begin(Connection c) {
            // a transaction starts with the first statement
        }

        @Override
        void commit(Connection c) throws SQLException {
            c.commit();
        }

        @Override
        void rollback(Connection c) throws SQLException {
            c.rollback();
        }

        @Override
        void endRead(Connection c) throws SQLException {
            c.commit();
        }

        @Override
        void beginSnapshot(Connection c) throws SQLException {
            c.commit();
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
        }

        @Override
        void endSnapshot(Connection c) throws SQLException {
            c.commit();
        }

        @Override
        Connection connect(String location) throws SQLException {
            String schema = schemaOf(location);
            Connection c = DriverManager.getConnection(location);
            try (Statement s = c.createStatement()) {
                if (schema != null) {
                    s.execute("SET search_path TO " + schema);
                }
                // a hub that holds a device's rows and hangs costs the others this long, then they retry
                s.execute("SET lock_timeout = '" + LOCK_TIMEOUT_MILLIS + "ms'");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return c;
        }

        /**
         * Hubs starting together on an empty database would race on {@code CREATE ... IF NOT EXISTS} (it is not
         * atomic in PostgreSQL), so the tables are made under an advisory lock that ends with the transaction.
         */
        @Override
        void create(Connection c, String location, List<String> ddl, Upgrade upgrade) throws SQLException {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // hubs starting together wait for the one upgrading a large store, however long it takes
                s.execute("SET LOCAL lock_timeout = 0");
                s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
                String schema = schemaOf(location);
                if (schema != null) {
                    s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
                }
                for (String statement : ddl) {
                    s.execute(statement);
                }
                upgrade.run(c);
                c.commit();
            } catch (SQLException e) {
                try {
                    c.rollback();
                } catch (SQLException lost) {
                    e.addSuppressed(lost);
                }
                throw e;
            }
        }

        @Override
        String blob() {
            return "BYTEA";
        }

        @Override
        String serial() {
            return "BIGSERIAL PRIMARY KEY";
        }

        @Override
        String jsonTable() {
            return "json_array_elements_text(CAST(? AS json)) AS v(value)";
        }

        @Override
        String lockRows() {
            return " FOR UPDATE";
        }

        @Override
        boolean transientFault(SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            // connection, resources, operator intervention, deadlock or serialization, lock not available
            return state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                    || state.startsWith("40") || state.equals("55P03") || state.isEmpty();
        }
    };

    /**
     * Pages of SQLite's write-ahead log past which a connection copies it into the database file after its commit
     * (40 MB); a hub's {@link WalCheckpoints} copies it sooner, off the committing thread.
     */
    static final int BACKSTOP_PAGES = 10_000;

    /** How long a transaction waits for another's lock before it fails (and is retried). */
    static final int LOCK_TIMEOUT_MILLIS = 5000;

    /** SQLite primary result codes that say the disk or the database is at fault, not the statement. */
    private static final Set<Integer> SQLITE_TRANSIENT = Set.of(5, 6, 7, 8, 10, 11, 13, 14, 15, 26);

    /** Key of the advisory lock held while a hub makes the tables ("rts-hub" in ASCII). */
    private static final long SCHEMA_LOCK = 0x7274732d687562L;

    /** The dialect for a store location: a {@code jdbc:postgresql:} URL, or a file for SQLite. */
    static Dialect of(String location) {
        return location.startsWith("jdbc:postgresql:") ? POSTGRESQL : SQLITE;
    }

    abstract Connection connect(String location) throws SQLException;

    /**
     * Makes the store's schema and tables where they are missing and runs {@code upgrade}, in one transaction; safe
     * when several hubs start together.
     */
    void create(Connection c, String location, List<String> ddl, Upgrade upgrade) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                for (String statement : ddl) {
                    s.execute(statement);
                }
                upgrade.run(c);
                s.execute("COMMIT");
            } catch (SQLException e) {
                try {
                    s.execute("ROLLBACK");
                } catch (SQLException alreadyRolledBack) {
                    e.addSuppressed(alreadyRolledBack); // SQLite rolls back by itself on a full disk or I/O error
                }
                throw e;
            }
        }
    }

    /** Brings a store made by an earlier version to the current schema, in the transaction that made the tables. */
    interface Upgrade {
        void run(Connection c) throws SQLException;
    }

    /** Whether {@code table} of the store has {@code column}; {@code column} null: whether {@code table} exists. */
    boolean has(Connection c, String table, String column) throws SQLException {
        String sql = this == SQLITE
                ? (column == null ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
                        : "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?")
                : (column == null ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema ="
                        + " current_schema() AND table_name = ?" : "SELECT COUNT(*) FROM information_schema.columns"
                        + " WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?");
        try (var ps = c.prepareStatement(sql)) {
            ps.setString(1, table);
            if (column != null) {
                ps.setString(2, column);
            }
            try (var rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) > 0;
            }
        }
    }

    /** Sets a fresh connection up for {@link #begin}, {@link #commit} and reads. */
    abstract void prepare(Connection c) throws SQLException;

    /** Starts a batch's transaction. */
    abstract void begin(Connection c) throws SQLException;

    abstract void commit(Connection c) throws SQLException;

    abstract void rollback(Connection c) throws SQLException;

    /** Ends what a read started, so that the next read sees what others committed since. */
    abstract void endRead(Connection c) throws SQLException;

    /** Starts a read-only transaction that sees one state of the store throughout, whatever commits meanwhile. */
    abstract void beginSnapshot(Connection c) throws SQLException;

    abstract void endSnapshot(Connection c) throws SQLException;

    /** Column type for bytes. */
    abstract String blob();

    /** Column definition of a generated row id. */
    abstract String serial();

    /** A table of one column, {@code value}, of the strings in one JSON array parameter. */
    abstract String jsonTable();

    /** {@code (SELECT value FROM <jsonTable>)}, for {@code x IN ...}. */
    String in() {
        return "(SELECT value FROM " + jsonTable() + ")";
    }

    /** Suffix that locks the rows a query reads until the transaction ends ({@code ""} where all is locked). */
    abstract String lockRows();

    /** Whether the failure is the database's or the disk's (worth retrying as is) rather than the statement's. */
    abstract boolean transientFault(SQLException e);

    private static String schemaOf(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            if (pair.startsWith("currentSchema=")) {
                String schema = pair.substring("currentSchema=".length());
                if (!schema.matches("[A-Za-z0-9_]{1,63}")) {
                    throw new IllegalArgumentException("currentSchema must be 1-63 of [A-Za-z0-9_], found: " + schema);
                }
                return schema;
            }
        }
        return null;
    }

    /** Used in messages: the location without a password. */
    static String describe(String location) {
        return location.replaceAll("password=[^&]*", "password=***");
    }
}
