package org.rts.agent.outbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.ChainPosition;

/**
 * The power-loss-safe outbox: an SQLite database (WAL, {@code synchronous=FULL}) holding every message the unit
 * signed, in local order. A message is committed here before it is ever published, and leaves the pending set only
 * when the hub's final receipt for it is recorded. Sequence numbers and the hash chain come from here, in the same
 * transaction that stores the message, so two processes can never sign the same sequence number.
 *
 * <p>The outbox is created once, when the unit's bundle is first imported ({@link #create}). {@link #open} refuses
 * a missing, empty or corrupt file with an {@link OutboxLostException} that says what to do: a unit never starts
 * a new chain without saying so (see {@code device-agent recover}). The file itself, its checks and its connection
 * are {@code OutboxFile}'s.
 */
public final class Outbox implements AutoCloseable {
    private static final String LIVE = "status IS NULL OR status IN ('ACCEPTED', 'REJECTED')";

    private final OutboxFile file;

    private Outbox(OutboxFile file) {
        this.file = file;
    }

    /** Opens this unit's outbox; refuses a missing, empty or corrupt file, saying what to do. */
    public static Outbox open(Path file) {
        return new Outbox(OutboxFile.open(file));
    }

    /** Creates a new, empty outbox (a unit's first import); refuses to replace an existing file. */
    public static Outbox create(Path file) {
        return new Outbox(OutboxFile.create(file));
    }

    /**
     * Moves a lost outbox out of the way (renamed {@code <file>.lost-<time>}, with its WAL, for the technician) and
     * returns where it went; empty when there was no file.
     */
    public static Optional<Path> setAside(Path file, Instant now) {
        return OutboxFile.setAside(file, now);
    }

    public Path file() {
        return file.path();
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
        return file.transaction("store the message", c -> {
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
        return file.transaction("restart the chain", c -> {
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
        return file.transaction("re-sign the pending messages", c -> {
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
        return file.transaction("abandon the pending messages", c -> {
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

    /** The messages of {@code kind} with a final receipt (accepted or rejected), oldest first. */
    public synchronized List<OutboxEntry> answered(String kind) {
        return read("SELECT * FROM messages WHERE kind = ? AND status IN ('ACCEPTED', 'REJECTED') ORDER BY id", kind);
    }

    /** The photos of forms (by SHA-256) that the hub said it keeps. */
    public synchronized java.util.Set<String> keptPhotos() {
        return file.transaction("read the kept photos", c -> {
            java.util.Set<String> kept = new java.util.HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT key FROM meta WHERE key LIKE 'photo-kept:%'");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    kept.add(rs.getString(1).substring("photo-kept:".length()));
                }
            }
            return kept;
        }, "");
    }

    /** Records that the hub keeps the photo {@code sha256}: it is not sent again. */
    public synchronized void photoKept(String sha256, Instant at) {
        update("record a kept photo", "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", "photo-kept:" + sha256,
                at.toString());
    }

    public synchronized Optional<OutboxEntry> byHash(String hash) {
        List<OutboxEntry> list = read("SELECT * FROM messages WHERE hash = ?", hash);
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    /** The last message of the chain as this unit holds it, or {@link ChainPosition#START}. */
    public synchronized ChainPosition head() {
        return file.transaction("read the chain head", Outbox::head, "");
    }

    /** The highest turnout figure this unit signed for {@code station} and the hub did not reject. */
    public synchronized OptionalInt lastTurnout(String station) {
        return file.transaction("read the last turnout", c -> {
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
        file.close();
    }

    private void update(String what, String sql, Object... args) {
        file.transaction(what, c -> {
            exec(c, sql, args);
            return null;
        }, "");
    }

    private List<OutboxEntry> read(String sql, Object... args) {
        return file.transaction("read the outbox", c -> query(c, sql, args), "");
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
}
