package org.rts.agent.outbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.rts.agent.AgentException;
import org.rts.protocol.jws.Jws;
import org.sqlite.SQLiteConfig;

/**
 * The power-loss-safe outbox: an SQLite database (WAL, {@code synchronous=FULL}) holding every message the unit
 * signed, in sequence order. A message is committed here before it is ever published, and leaves the pending set
 * only when the hub's verified receipt for it is recorded. Sequence numbers and the hash chain come from here, in
 * the same transaction that stores the message, so two processes can never sign the same sequence number. Reads
 * do not block: {@code device-agent status} works while a transmission is under way.
 */
public final class Outbox implements AutoCloseable {
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS chain_lock (id INTEGER PRIMARY KEY CHECK (id = 1), appends INTEGER NOT NULL);
            INSERT OR IGNORE INTO chain_lock VALUES (1, 0);
            CREATE TABLE IF NOT EXISTS messages (
              seq INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, jws TEXT NOT NULL,
              summary TEXT NOT NULL, voters INTEGER, created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
              last_sent_at TEXT, status TEXT, code TEXT, reasons TEXT, receipt TEXT, answered_at TEXT)
            """;

    private final Connection db;
    private final Path file;

    private Outbox(Connection db, Path file) {
        this.db = db;
        this.file = file;
    }

    public static Outbox open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(10_000);
            Connection db = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                for (String ddl : SCHEMA.split(";")) {
                    if (!ddl.isBlank()) {
                        s.execute(ddl);
                    }
                }
            }
            db.setAutoCommit(false);
            db.commit();
            return new Outbox(db, file);
        } catch (SQLException | java.io.IOException e) {
            throw new AgentException("cannot open outbox " + file + ": " + e.getMessage()
                    + " (is the disk full or read-only?)", e);
        }
    }

    /** Signs the next message of the chain: receives the sequence number and the previous hash. */
    public interface Signer {
        Signed sign(long seq, String prev);
    }

    /** What {@link Signer} returns: the compact JWS, a one-line summary and, for turnout, the figure. */
    public record Signed(String kind, String jws, String summary, Integer voters) {
    }

    /**
     * Appends one message: reads the chain head, signs the next message and commits it, all in one transaction.
     * Returns only after the commit reached the disk.
     */
    public synchronized OutboxEntry append(Signer signer, Instant now) {
        try {
            // take the write lock first, so a second process appending waits instead of signing the same seq
            try (Statement lock = db.createStatement()) {
                lock.executeUpdate("UPDATE chain_lock SET appends = appends + 1 WHERE id = 1");
            }
            long seq = 1;
            String prev = "";
            try (PreparedStatement ps = db.prepareStatement("SELECT seq, hash FROM messages ORDER BY seq DESC LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    seq = rs.getLong(1) + 1;
                    prev = rs.getString(2);
                }
            }
            Signed signed = signer.sign(seq, prev);
            String hash = Jws.hash(signed.jws().getBytes(StandardCharsets.US_ASCII));
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO messages (seq, hash, kind, jws, summary,"
                    + " voters, created_at) VALUES (?,?,?,?,?,?,?)")) {
                ps.setLong(1, seq);
                ps.setString(2, hash);
                ps.setString(3, signed.kind());
                ps.setString(4, signed.jws());
                ps.setString(5, signed.summary());
                ps.setObject(6, signed.voters());
                ps.setString(7, now.toString());
                ps.executeUpdate();
            }
            db.commit();
            return new OutboxEntry(seq, hash, signed.kind(), signed.jws(), signed.summary(), now, 0, null, null,
                    null, null);
        } catch (SQLException e) {
            rollback();
            throw new AgentException("cannot store the message in the outbox " + file + ": " + e.getMessage()
                    + " (nothing was sent; free disk space and transmit again)", e);
        } catch (RuntimeException e) {
            rollback();
            throw e;
        }
    }

    /** Messages still waiting for a receipt, oldest first. */
    public synchronized List<OutboxEntry> pending() {
        return query("SELECT * FROM messages WHERE status IS NULL ORDER BY seq");
    }

    /** The latest messages, newest first. */
    public synchronized List<OutboxEntry> recent(int limit) {
        return query("SELECT * FROM messages ORDER BY seq DESC LIMIT " + Math.max(1, limit));
    }

    public synchronized Optional<OutboxEntry> byHash(String hash) {
        List<OutboxEntry> list = query("SELECT * FROM messages WHERE hash = ?", hash);
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    /** The highest turnout figure this unit signed and the hub did not reject. */
    public synchronized OptionalInt lastTurnout() {
        try (PreparedStatement ps = db.prepareStatement("SELECT MAX(voters) FROM messages WHERE kind = 'turnout'"
                + " AND (status IS NULL OR status = 'ACCEPTED')"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            OptionalInt value = rs.getObject(1) == null ? OptionalInt.empty() : OptionalInt.of(rs.getInt(1));
            db.commit();
            return value;
        } catch (SQLException e) {
            rollback();
            throw failure(e);
        }
    }

    public synchronized void markSent(long seq, Instant at) {
        update("UPDATE messages SET attempts = attempts + 1, last_sent_at = ? WHERE seq = ?", at.toString(), seq);
    }

    /** Records a verified receipt; the message leaves the pending set in the same commit. */
    public synchronized void recordReceipt(String hash, String status, String code, String reasons, String receipt,
                                           Instant at) {
        update("UPDATE messages SET status = ?, code = ?, reasons = ?, receipt = ?, answered_at = ?"
                + " WHERE hash = ? AND status IS NULL", status, code, reasons, receipt, at.toString(), hash);
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private void update(String sql, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw failure(e);
        }
    }

    private List<OutboxEntry> query(String sql, Object... args) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<OutboxEntry> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new OutboxEntry(rs.getLong("seq"), rs.getString("hash"), rs.getString("kind"),
                            rs.getString("jws"), rs.getString("summary"), Instant.parse(rs.getString("created_at")),
                            rs.getInt("attempts"), rs.getString("status"), rs.getString("code"),
                            rs.getString("reasons"), rs.getString("receipt")));
                }
            }
            db.commit();
            return list;
        } catch (SQLException e) {
            rollback();
            throw failure(e);
        }
    }

    private AgentException failure(SQLException e) {
        return new AgentException("outbox " + file + " failed: " + e.getMessage(), e);
    }

    private void rollback() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the original error is the one to report
        }
    }
}
