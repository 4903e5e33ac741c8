package org.rts.agent.outbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.rts.agent.AgentException;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.ChainPosition;
import org.sqlite.SQLiteConfig;

/**
 * The power-loss-safe outbox: an SQLite database (WAL, {@code synchronous=FULL}) holding every message the unit
 * signed, in local order. A message is committed here before it is ever published, and leaves the pending set only
 * when the hub's final receipt for it is recorded. Sequence numbers and the hash chain come from here, in the same
 * transaction that stores the message, so two processes can never sign the same sequence number.
 *
 * <p>The outbox is created once, when the unit's bundle is first imported ({@link #create}). {@link #open} refuses
 * a missing, empty or corrupt file with an {@link OutboxLostException} that says what to do: a unit never starts
 * a new chain without saying so (see {@code device-agent recover}). After any database error the connection is
 * dropped and the next call opens a fresh one, so a full disk that is freed again does not leave it stuck.
 */
public final class Outbox implements AutoCloseable {
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
    private static final String LIVE = "status IS NULL OR status IN ('ACCEPTED', 'REJECTED')";

    private final Path file;
    private Connection db;

    private Outbox(Path file) {
        this.file = file;
    }

    /** Opens this unit's outbox; refuses a missing, empty or corrupt file, saying what to do. */
    public static Outbox open(Path file) {
        if (!Files.exists(file)) {
            throw new OutboxLostException("no outbox at " + file + ": this unit's record of what it sent is missing."
                    + " If the file was moved, put it back; otherwise run 'device-agent recover' to start a new one"
                    + " (the hub records a chain restart for review)", null);
        }
        Outbox outbox = new Outbox(file);
        outbox.connection();
        return outbox;
    }

    /** Creates a new, empty outbox (a unit's first import); refuses to replace an existing file. */
    public static Outbox create(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                throw new AgentException("an outbox already exists at " + file + ": it is not replaced");
            }
            Outbox outbox = new Outbox(file);
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
        } catch (SQLException | java.io.IOException e) {
            throw new AgentException("cannot create the outbox " + file + ": " + e.getMessage()
                    + " (is the disk full or read-only?)", e);
        }
    }

    /**
     * Moves a lost outbox out of the way (renamed {@code <file>.lost-<time>}, with its WAL, for the technician) and
     * returns where it went; empty when there was no file.
     */
    public static Optional<Path> setAside(Path file, Instant now) {
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
        } catch (java.io.IOException e) {
            throw new AgentException("cannot move the broken outbox " + file + " aside: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
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
        } catch (java.io.IOException e) {
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

    /** Signs the next message of the chain: receives the sequence number and the previous hash. */
    public interface Signer {
        Signed sign(long seq, String prev);
    }

    /** Signs an earlier message's content again at another place in the chain. */
    public interface Resigner {
        Signed resign(OutboxEntry entry, long seq, String prev);
    }

    /** What a signer returns: the compact JWS, the station, a one-line summary and, for turnout, the figure. */
    public record Signed(String kind, String station, String jws, String summary, Integer voters) {
    }

    /**
     * Appends one message: reads the chain head, signs the next message and commits it, all in one transaction.
     * Returns only after the commit reached the disk.
     */
    public synchronized OutboxEntry append(Signer signer, Instant now) {
        return write("store the message", c -> {
            lock(c);
            ChainPosition head = head(c);
            Signed signed = signer.sign(head.seq() + 1, head.msg());
            long id = insert(c, head.seq() + 1, signed, now);
            return entry(c, id);
        }, " (nothing was sent; free disk space and transmit again)");
    }

    /**
     * Starts the chain again after {@code hubHead}, the hub's last message of this device (from a signed
     * receipt): appends the restart {@code restart} signs there, then signs every pending message again after it,
     * in order, marking the old ones {@code SUPERSEDED} (a pending earlier restart is replaced by the new one, not
     * signed again). One transaction. Returns each old hash with the entry that now stands for it.
     */
    public synchronized Map<String, OutboxEntry> restart(ChainPosition hubHead, Signer restart, Resigner resigner,
                                                         Instant now) {
        return write("restart the chain", c -> {
            lock(c);
            List<OutboxEntry> pending = query(c, "SELECT * FROM messages WHERE status IS NULL ORDER BY id");
            exec(c, "UPDATE messages SET status = 'SUPERSEDED', answered_at = ? WHERE status IS NULL",
                    now.toString());
            long seq = hubHead.seq() + 1;
            Signed signedRestart = restart.sign(seq, hubHead.msg());
            long restartId = insert(c, seq, signedRestart, now);
            OutboxEntry newRestart = entry(c, restartId);
            String prev = newRestart.hash();
            Map<String, OutboxEntry> moved = new LinkedHashMap<>();
            for (OutboxEntry old : pending) {
                if (old.kind().equals(newRestart.kind())) {
                    moved.put(old.hash(), newRestart); // an earlier restart is replaced by this one
                    continue;
                }
                seq++;
                long id = insert(c, seq, resigner.resign(old, seq, prev), now);
                OutboxEntry fresh = entry(c, id);
                moved.put(old.hash(), fresh);
                prev = fresh.hash();
            }
            return moved;
        }, "");
    }

    /**
     * Signs the pending messages again where they stand (same sequence numbers), as after a new certificate for the
     * same key; the old signatures are kept in {@code history}. Returns how many were re-signed.
     */
    public synchronized int resignPending(Resigner resigner, String why, Instant now) {
        return write("re-sign the pending messages", c -> {
            lock(c);
            List<OutboxEntry> pending = query(c, "SELECT * FROM messages WHERE status IS NULL ORDER BY id");
            if (pending.isEmpty()) {
                return 0;
            }
            String prev = before(c, pending.get(0).id()).msg();
            for (OutboxEntry old : pending) {
                Signed signed = resigner.resign(old, old.seq(), prev);
                String hash = hash(signed.jws());
                exec(c, "INSERT INTO history (id, hash, jws, replaced_at, why) VALUES (?,?,?,?,?)", old.id(),
                        old.hash(), old.jws(), now.toString(), why);
                exec(c, "UPDATE messages SET hash = ?, jws = ?, attempts = 0, held = NULL, held_at = NULL"
                        + " WHERE id = ?", hash, signed.jws(), old.id());
                prev = hash;
            }
            return pending.size();
        }, "");
    }

    /** Gives up the pending messages (kept, marked {@code ABANDONED}); the chain continues before them. */
    public synchronized int abandonPending(Instant now) {
        return write("abandon the pending messages", c -> {
            int n = exec(c, "UPDATE messages SET status = 'ABANDONED', answered_at = ? WHERE status IS NULL",
                    now.toString());
            return n;
        }, "");
    }

    /** Messages still waiting for a final receipt, oldest first. */
    public synchronized List<OutboxEntry> pending() {
        return read("SELECT * FROM messages WHERE status IS NULL ORDER BY id");
    }

    /** The latest messages, newest first. */
    public synchronized List<OutboxEntry> recent(int limit) {
        return read("SELECT * FROM messages ORDER BY id DESC LIMIT " + Math.max(1, limit));
    }

    public synchronized Optional<OutboxEntry> byHash(String hash) {
        List<OutboxEntry> list = read("SELECT * FROM messages WHERE hash = ?", hash);
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    /** The last message of the chain as this unit holds it, or {@link ChainPosition#START}. */
    public synchronized ChainPosition head() {
        return write("read the chain head", Outbox::head, "");
    }

    /** The highest turnout figure this unit signed for {@code station} and the hub did not reject. */
    public synchronized OptionalInt lastTurnout(String station) {
        return write("read the last turnout", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(voters) FROM messages WHERE kind = 'turnout'"
                    + " AND station = ? AND (status IS NULL OR status = 'ACCEPTED')")) {
                ps.setString(1, station);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getObject(1) == null ? OptionalInt.empty() : OptionalInt.of(rs.getInt(1));
                }
            }
        }, "");
    }

    public synchronized void markSent(long id, Instant at) {
        update("record a transmission", "UPDATE messages SET attempts = attempts + 1, last_sent_at = ? WHERE id = ?",
                at.toString(), id);
    }

    /** Records the hub's reason for not taking a message yet; it stays pending. */
    public synchronized void markHeld(String hash, String reasons, Instant at) {
        update("record the hub's answer", "UPDATE messages SET held = ?, held_at = ? WHERE hash = ?"
                + " AND status IS NULL", reasons, at.toString(), hash);
    }

    /** Records a verified final receipt; the message leaves the pending set in the same commit. */
    public synchronized void recordReceipt(String hash, String status, String code, String reasons, String receipt,
                                           Instant at) {
        update("record the receipt", "UPDATE messages SET status = ?, code = ?, reasons = ?, receipt = ?,"
                + " answered_at = ?, held = NULL WHERE hash = ? AND status IS NULL", status, code, reasons, receipt,
                at.toString(), hash);
    }

    @Override
    public synchronized void close() {
        close(db);
        db = null;
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T write(String what, Work<T> work, String advice) {
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

    private void update(String what, String sql, Object... args) {
        write(what, c -> {
            exec(c, sql, args);
            return null;
        }, "");
    }

    private List<OutboxEntry> read(String sql, Object... args) {
        return write("read the outbox", c -> query(c, sql, args), "");
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

    /** Takes the write lock first, so a second process appending waits instead of signing the same seq. */
    private static void lock(Connection c) throws SQLException {
        try (Statement lock = c.createStatement()) {
            lock.executeUpdate("UPDATE chain_lock SET appends = appends + 1 WHERE id = 1");
        }
    }

    private static ChainPosition head(Connection c) throws SQLException {
        return before(c, Long.MAX_VALUE);
    }

    /** The chain's last live message before local id {@code id}. */
    private static ChainPosition before(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM messages WHERE id < ? AND (" + LIVE
                + ") ORDER BY id DESC LIMIT 1")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new ChainPosition(rs.getLong(1), rs.getString(2)) : ChainPosition.START;
            }
        }
    }

    private static long insert(Connection c, long seq, Signed signed, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO messages (seq, hash, kind, station, jws, summary,"
                + " voters, created_at) VALUES (?,?,?,?,?,?,?,?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, seq);
            ps.setString(2, hash(signed.jws()));
            ps.setString(3, signed.kind());
            ps.setString(4, signed.station());
            ps.setString(5, signed.jws());
            ps.setString(6, signed.summary());
            ps.setObject(7, signed.voters());
            ps.setString(8, now.toString());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static String hash(String jws) {
        return Jws.hash(jws.getBytes(StandardCharsets.US_ASCII));
    }

    private static OutboxEntry entry(Connection c, long id) throws SQLException {
        return query(c, "SELECT * FROM messages WHERE id = ?", id).get(0);
    }

    private static int exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static List<OutboxEntry> query(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<OutboxEntry> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new OutboxEntry(rs.getLong("id"), rs.getLong("seq"), rs.getString("hash"),
                            rs.getString("kind"), rs.getString("station"), rs.getString("jws"),
                            rs.getString("summary"), Instant.parse(rs.getString("created_at")),
                            rs.getInt("attempts"), rs.getString("status"), rs.getString("code"),
                            rs.getString("reasons"), rs.getString("receipt"), rs.getString("held")));
                }
            }
            return list;
        }
    }

    private static boolean isDiskProblem(SQLException e) {
        int code = e instanceof org.sqlite.SQLiteException se ? se.getResultCode().code & 0xFF : 0;
        return code == 5 || code == 6 || code == 7 || code == 8 || code == 10 || code == 13 || code == 14;
    }
}
