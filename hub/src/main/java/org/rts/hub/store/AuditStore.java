package org.rts.hub.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.rts.protocol.audit.HandCount;
import org.rts.protocol.codec.Json;

/** The hand-count audit's selection (one per election, made once) and the hand counts the audit team entered. */
public final class AuditStore implements AutoCloseable {
    private final Database db;

    private AuditStore(Database db) {
        this.db = db;
    }

    public static AuditStore open(String location) {
        return new AuditStore(Database.open(location));
    }

    /** Over a connection another store holds (an export's): the connection is that store's to close. */
    static AuditStore over(Database db) {
        return new AuditStore(db);
    }

    /** The public parameters of the selection, who entered them and when. */
    public record Selection(String seed, int count, boolean perConstituency, double thresholdPercent, String user,
                            Instant at) {
    }

    /** Keeps the selection; false when the election already has one (it is made once, in public). */
    public synchronized boolean select(String election, Selection s) {
        if (selection(election).isPresent()) {
            return false;
        }
        db.update("keep the audit's selection", "INSERT INTO audit_selection (election, seed, count, per_constituency,"
                + " threshold, user_name, at) VALUES (?,?,?,?,?,?,?)", election, s.seed(), s.count(),
                s.perConstituency() ? 1 : 0, Double.toString(s.thresholdPercent()), s.user(), s.at().toString());
        return true;
    }

    public synchronized Optional<Selection> selection(String election) {
        return db.queryOne("SELECT seed, count, per_constituency, threshold, user_name, at FROM audit_selection WHERE"
                + " election = ?", rs -> new Selection(rs.getString(1), rs.getInt(2), rs.getInt(3) == 1,
                Double.parseDouble(rs.getString(4)), rs.getString(5), Instant.parse(rs.getString(6))), election);
    }

    /** Keeps a hand count, replacing an earlier one of the same station and race. */
    public synchronized void count(String election, HandCount c) {
        db.update("keep a hand count", "INSERT INTO audit_counts (election, station, race, in_box, invalid, votes,"
                + " user_name, at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (election, station, race) DO UPDATE SET"
                + " in_box = excluded.in_box, invalid = excluded.invalid, votes = excluded.votes, user_name ="
                + " excluded.user_name, at = excluded.at", election, c.station(), c.race(), c.inBox(), c.invalid(),
                Database.json(c.votes().stream().map(String::valueOf).toList()), c.user(), c.at().toString());
    }

    public synchronized List<HandCount> counts(String election) {
        return db.queryAll("SELECT station, race, in_box, invalid, votes, user_name, at FROM audit_counts WHERE"
                + " election = ? ORDER BY station, race", rs -> new HandCount(rs.getString(1), rs.getString(2),
                rs.getInt(3), rs.getInt(4), votes(rs.getString(5)), rs.getString(6), Instant.parse(rs.getString(7))),
                election);
    }

    private static List<Integer> votes(String json) {
        try {
            return List.of(Json.mapper().readValue(json, String[].class)).stream().map(Integer::valueOf).toList();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unreadable stored hand count", e);
        }
    }

    /**
     * Keeps a hub-signed audit notice and queues it for each of {@code upstreams}, in one transaction (the notice
     * of a station's race that was last kept says where its result stands).
     */
    public synchronized void notice(String election, String station, String race, boolean underAudit, String jws,
                                    Instant at, List<String> upstreams) {
        String hash = org.rts.protocol.jws.Jws.hash(jws.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        db.run("keep an audit notice", c -> {
            db.dialect().begin(c);
            java.sql.PreparedStatement keep = db.statement(c, "INSERT INTO audit_notices (hash, election, station,"
                    + " race, under_audit, jws, at) VALUES (?,?,?,?,?,?,?)");
            Database.bind(keep, hash, election, station, race, underAudit ? 1 : 0, jws, at.toString());
            keep.executeUpdate();
            java.sql.PreparedStatement forward = db.statement(c, "INSERT INTO forward_queue (upstream, msg_hash,"
                    + " enqueued_at, state, attempts, next_at) VALUES (?,?,?,'PENDING',0,?) ON CONFLICT (upstream,"
                    + " msg_hash) DO NOTHING");
            for (String upstream : upstreams) {
                Database.bind(forward, upstream, hash, at.toEpochMilli(), at.toEpochMilli());
                forward.addBatch();
            }
            forward.executeBatch();
            db.dialect().commit(c);
            return null;
        });
    }

    /** Per {@code station/race}, whether the last notice kept put its result under audit. */
    public synchronized java.util.Map<String, Boolean> notices(String election) {
        java.util.Map<String, Boolean> last = new java.util.HashMap<>();
        db.queryAll("SELECT station, race, under_audit FROM audit_notices WHERE election = ? ORDER BY id", rs ->
                java.util.Map.entry(rs.getString(1) + "/" + rs.getString(2), rs.getInt(3) != 0), election)
                .forEach(e -> last.put(e.getKey(), e.getValue()));
        return last;
    }

    @Override
    public synchronized void close() {
        db.close();
    }
}
