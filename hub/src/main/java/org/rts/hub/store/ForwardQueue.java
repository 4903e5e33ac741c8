package org.rts.hub.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The queue of accepted messages to forward to each tally centre. The intake fills it in the transaction that
 * stores each message ({@link MessageStore#forwardTo}); the forwarders drain it through this connection of their
 * own. A message claimed by a hub is leased to it, so hubs sharing a store never send it twice at once.
 */
public final class ForwardQueue implements AutoCloseable {
    private final Database db;

    private ForwardQueue(Database db) {
        this.db = db;
    }

    public static ForwardQueue open(String location) {
        return new ForwardQueue(Database.open(location));
    }

    /**
     * A queued message, with what travels: the device's JWS as received and the hub's receipt; or the hub's own
     * audit notice (kind {@code audit}, device {@code hub}, no receipt).
     */
    public record Entry(long id, String upstream, String hash, String kind, String device, String station,
                        String jws, byte[] receipt, int attempts, long enqueuedAt) {
    }

    /** Where one upstream stands: messages waiting, the oldest one's queueing time, refused and delivered ones. */
    public record Lag(String upstream, long pending, Long oldestEnqueuedAt, long refused, long delivered) {
    }

    /**
     * Claims up to {@code limit} messages due for {@code upstream} for {@code lease} milliseconds, oldest first.
     * A message claimed by another hub (sharing the store) is not claimed again before its lease runs out; one
     * this hub claimed before it stopped is claimed again at once.
     */
    public synchronized List<Entry> claim(String upstream, String holder, long now, long lease, int limit) {
        return db.run("claim messages to forward", c -> {
            db.dialect().begin(c);
            PreparedStatement claim = db.statement(c, "UPDATE forward_queue SET lease_until = ?, leased_by = ? WHERE"
                    + " id IN (SELECT id FROM forward_queue WHERE upstream = ? AND state = 'PENDING' AND next_at <= ?"
                    + " AND (lease_until IS NULL OR lease_until < ? OR leased_by = ?) ORDER BY id LIMIT ?) AND state ="
                    + " 'PENDING' AND (lease_until IS NULL OR lease_until < ? OR leased_by = ?)");
            Database.bind(claim, now + lease, holder, upstream, now, now, holder, limit, now, holder);
            claim.executeUpdate();
            // a device's message from the chain, or the hub's own audit notice (no device, no receipt)
            PreparedStatement read = db.statement(c, "SELECT f.id, f.msg_hash, COALESCE(c.kind, 'audit'),"
                    + " COALESCE(c.device, 'hub'), COALESCE(c.station, n.station), COALESCE(c.jws, n.jws), c.receipt,"
                    + " f.attempts, f.enqueued_at FROM forward_queue f LEFT JOIN chain c ON c.msg_hash = f.msg_hash"
                    + " LEFT JOIN audit_notices n ON n.hash = f.msg_hash WHERE f.upstream = ? AND f.leased_by = ? AND"
                    + " f.lease_until = ? AND f.state = 'PENDING' AND (c.msg_hash IS NOT NULL OR n.hash IS NOT NULL)"
                    + " ORDER BY f.id");
            Database.bind(read, upstream, holder, now + lease);
            List<Entry> claimed = new ArrayList<>();
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Entry(rs.getLong(1), upstream, rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getBytes(7), rs.getInt(8),
                            rs.getLong(9)));
                }
            }
            db.dialect().commit(c);
            return claimed;
        });
    }

    /** The upstream took the message: it is not sent again. */
    public synchronized void delivered(long id, long now) {
        db.update("record a forwarding outcome", "UPDATE forward_queue SET state = 'DELIVERED', attempts = attempts"
                + " + 1, done_at = ?, lease_until = NULL, last_error = NULL WHERE id = ?", now, id);
    }

    /** The upstream could not take it now: tried again from {@code nextAt}. */
    public synchronized void later(long id, long nextAt, String error) {
        db.update("record a forwarding outcome", "UPDATE forward_queue SET attempts = attempts + 1, next_at = ?,"
                + " lease_until = NULL, last_error = ? WHERE id = ?", nextAt, error, id);
    }

    /** Puts back a message that was claimed but not tried, due from {@code nextAt}. */
    public synchronized void putBack(long id, long nextAt) {
        db.update("record a forwarding outcome", "UPDATE forward_queue SET next_at = ?, lease_until = NULL WHERE"
                + " id = ?", nextAt, id);
    }

    /** The upstream refused the message itself: kept for review, not sent again. */
    public synchronized void refused(long id, long now, String error) {
        db.update("record a forwarding outcome", "UPDATE forward_queue SET state = 'REFUSED', attempts = attempts"
                + " + 1, done_at = ?, lease_until = NULL, last_error = ? WHERE id = ?", now, error, id);
    }

    public synchronized Lag lag(String upstream) {
        return db.queryOne("SELECT SUM(CASE WHEN state = 'PENDING' THEN 1 ELSE 0 END), MIN(CASE WHEN state ="
                + " 'PENDING' THEN enqueued_at END), SUM(CASE WHEN state = 'REFUSED' THEN 1 ELSE 0 END), SUM(CASE"
                + " WHEN state = 'DELIVERED' THEN 1 ELSE 0 END) FROM forward_queue WHERE upstream = ?", rs -> new Lag(
                upstream, rs.getLong(1), rs.getObject(2) == null ? null : rs.getLong(2), rs.getLong(3),
                rs.getLong(4)), upstream).orElseThrow();
    }

    /** The last failure delivering to an upstream, or null when its pending messages never failed. */
    public synchronized String lastError(String upstream) {
        return db.queryOne("SELECT last_error FROM forward_queue WHERE upstream = ? AND state = 'PENDING' AND"
                + " last_error IS NOT NULL ORDER BY id LIMIT 1", rs -> rs.getString(1), upstream).orElse(null);
    }

    /** Messages an upstream refused, with its answer, for review. */
    public synchronized List<String> refusals(String upstream) {
        return db.queryAll("SELECT msg_hash, last_error FROM forward_queue WHERE upstream = ? AND state = 'REFUSED'"
                + " ORDER BY id", rs -> rs.getString(1) + ": " + rs.getString(2), upstream);
    }

    /**
     * Which of an upstream's refused messages to queue again: by queue number ({@code fromId}..{@code toId}) and by
     * when they were refused ({@code fromMillis}..{@code toMillis}), ends included; a null end is open.
     */
    public record Range(Long fromId, Long toId, Long fromMillis, Long toMillis) {
        public static final Range ALL = new Range(null, null, null, null);
    }

    /** What {@link #requeue} queued again: how many, and their first and last queue numbers. */
    public record Requeued(int count, Long firstId, Long lastId) {
    }

    /**
     * Queues again the messages {@code upstream} refused in {@code range}, due at {@code now} and tried afresh
     * (attempts back to 0); the answers they got stay as their last error until they are delivered.
     */
    public synchronized Requeued requeue(String upstream, Range range, long now) {
        return db.run("queue refused messages again", c -> {
            db.dialect().begin(c);
            Object[] where = {upstream, orMin(range.fromId()), orMax(range.toId()), orMin(range.fromMillis()),
                orMax(range.toMillis())};
            String match = " FROM forward_queue WHERE upstream = ? AND state = 'REFUSED' AND id >= ? AND id <= ?"
                    + " AND done_at >= ? AND done_at <= ?";
            PreparedStatement count = db.statement(c, "SELECT COUNT(*), MIN(id), MAX(id)" + match);
            Database.bind(count, where);
            Requeued r;
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                r = new Requeued(rs.getInt(1), rs.getObject(2) == null ? null : rs.getLong(2),
                        rs.getObject(3) == null ? null : rs.getLong(3));
            }
            PreparedStatement update = db.statement(c, "UPDATE forward_queue SET state = 'PENDING', attempts = 0,"
                    + " next_at = ?, lease_until = NULL, leased_by = NULL, done_at = NULL WHERE id IN (SELECT id"
                    + match + ")");
            Object[] args = new Object[where.length + 1];
            args[0] = now;
            System.arraycopy(where, 0, args, 1, where.length);
            Database.bind(update, args);
            update.executeUpdate();
            db.dialect().commit(c);
            return r;
        });
    }

    /** The upstreams with a queue in this store. */
    public synchronized List<String> upstreams() {
        return db.queryAll("SELECT DISTINCT upstream FROM forward_queue ORDER BY upstream", rs -> rs.getString(1));
    }

    private static long orMin(Long v) {
        return v == null ? Long.MIN_VALUE : v;
    }

    private static long orMax(Long v) {
        return v == null ? Long.MAX_VALUE : v;
    }

    @Override
    public synchronized void close() {
        db.close();
    }
}
