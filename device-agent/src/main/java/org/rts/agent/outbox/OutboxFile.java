package org.rts.agent.outbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.rts.agent.AgentException;
import org.sqlite.SQLiteConfig;

/**
 * The outbox's SQLite file (WAL, {@code synchronous=FULL}): made once with its schema, and checked on every new
 * connection (present, not empty, intact, this agent's schema). Each call of {@link #transaction} commits or rolls
 * back; after any database error the connection is dropped and the next call opens a fresh one, so a full disk that
 * is freed again does not leave it stuck. Not thread-safe: {@link Outbox} calls it under its own lock.
 */
final class OutboxFile implements AutoCloseable {
    private static final int SCHEMA_VERSION = 2;
    private static final String SCHEMA = """
            CREATE TABLE chain_lock (id INTEGER PRIMARY KEY CHECK (id = 1), appends INTEGER NOT NULL);
            INSERT INTO chain_lock VALUES (1, 0);
            CREATE TABLE messages (
              id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
              station TEXT NOT NULL, jws TEXT NOT NULL, summary TEXT NOT NULL, voters INTEGER,
              created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_sent_at TEXT, status TEXT,
              code TEXT, reasons TEXT, receipt TEXT, answered_at TEXT, held TEXT, held_at TEXT);
            CREATE TABLE history (
              id INTEGER NOT NULL, hash TEXT NOT NULL, jws TEXT NOT NULL, replaced_at TEXT NOT NULL, why TEXT NOT NULL);
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)
            """;

    /** One transaction's work on the connection. */
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final Path file;
    private Connection db;

    private OutboxFile(Path file) {
        this.file = file;
    }

    /** Opens the file; refuses a missing, empty or corrupt one with an {@link OutboxLostException}. */
    static OutboxFile open(Path file) {
        if (!Files.exists(file)) {
            throw new OutboxLostException("no outbox at " + file + ": this unit's record of what it sent is missing."
                    + " If the file was moved, put it back; otherwise run 'device-agent recover' to start a new one"
                    + " (the hub records a chain restart for review)", null);
        }
        OutboxFile outbox = new OutboxFile(file);
        outbox.connection();
        return outbox;
    }

    /** Makes a new file with the schema; refuses to replace an existing file. */
    static OutboxFile create(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                throw new AgentException("an outbox already exists at " + file + ": it is not replaced");
            }
            OutboxFile outbox = new OutboxFile(file);
            try (Connection c = outbox.configured()) {
                try (Statement s = c.createStatement()) {
                    for (String ddl : SCHEMA.split(";")) {
                        if (!ddl.isBlank()) {
                            s.execute(ddl);
                        }
                    }
                    s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
                }
                c.commit();
            }
            outbox.connection();
            return outbox;
        } catch (SQLException | IOException e) {
            throw new AgentException("cannot create the outbox " + file + ": " + e.getMessage()
                    + " (is the disk full or read-only?)", e);
        }
    }

    /** See {@link Outbox#setAside}. */
    static Optional<Path> setAside(Path file, Instant now) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String suffix = ".lost-" + now.toString().replace(':', '-');
        try {
            Path target = file.resolveSibling(file.getFileName() + suffix);
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            for (String side : List.of("-wal", "-shm")) {
                Path p = file.resolveSibling(file.getFileName() + side);
                if (Files.exists(p)) {
                    Files.move(p, file.resolveSibling(file.getFileName() + suffix + side), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            return Optional.of(target);
        } catch (IOException e) {
            throw new AgentException("cannot move the broken outbox " + file + " aside: " + e.getMessage(), e);
        }
    }

    Path path() {
        return file;
    }

    /**
     * Runs {@code work} in one transaction and commits it. A database error is thrown as an {@link AgentException}
     * saying it could not {@code what}, followed by {@code advice}.
     */
    <T> T transaction(String what, Work<T> work, String advice) {
        Connection c = connection();
        try {
            T value = work.run(c);
            c.commit();
            return value;
        } catch (SQLException e) {
            drop();
            throw new AgentException("cannot " + what + " in the outbox " + file + ": " + e.getMessage() + advice, e);
        } catch (RuntimeException e) {
            drop();
            throw e;
        }
    }

    @Override
    public void close() {
        close(db);
        db = null;
    }

    private Connection configured() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
        c.setAutoCommit(false);
        return c;
    }

    private Connection connection() {
        if (db != null) {
            return db;
        }
        try {
            if (Files.size(file) == 0) {
                throw new OutboxLostException("the outbox " + file + " is empty (0 bytes): what this unit sent is"
                        + " lost. Run 'device-agent recover' to keep the file aside and start a new one (the hub"
                        + " records a chain restart for review)", null);
            }
        } catch (IOException e) {
            throw new AgentException("cannot read the outbox " + file + ": " + e.getMessage(), e);
        }
        Connection c = null;
        try {
            c = configured();
            try (Statement s = c.createStatement(); ResultSet check = s.executeQuery("PRAGMA quick_check")) {
                String result = check.next() ? check.getString(1) : "no answer";
                if (!"ok".equals(result)) {
                    throw new SQLException("integrity check: " + result);
                }
            }
            int version;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            if (version != SCHEMA_VERSION) {
                throw new SQLException("not an outbox of this agent (schema version " + version + ", expected "
                        + SCHEMA_VERSION + ")");
            }
            c.commit();
            db = c;
            return c;
        } catch (SQLException e) {
            close(c);
            if (isDiskProblem(e)) {
                throw new AgentException("cannot open the outbox " + file + ": " + e.getMessage()
                        + ". Is the disk full or read-only? Free disk space and try again; nothing was signed or sent",
                        e);
            }
            throw new OutboxLostException("the outbox " + file + " is damaged (" + e.getMessage() + "). Run"
                    + " 'device-agent recover' to keep it aside and start a new one (the hub records a chain restart"
                    + " for review)", e);
        }
    }

    /** Drops the connection after an error: SQLite may have rolled back on its own; a fresh one starts clean. */
    private void drop() {
        Connection c = db;
        db = null;
        if (c != null) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // already rolled back by SQLite
            }
            close(c);
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing more to release
            }
        }
    }

    private static boolean isDiskProblem(SQLException e) {
        int code = e instanceof org.sqlite.SQLiteException se ? se.getResultCode().code & 0xFF : 0;
        return code == 5 || code == 6 || code == 7 || code == 8 || code == 10 || code == 13 || code == 14;
    }
}
