package org.rts.hub.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.rts.hub.StoreException;
import org.rts.hub.intake.AcceptedResult;
import org.rts.hub.intake.Batch;
import org.rts.hub.intake.BatchKeys;
import org.rts.hub.intake.BatchState;
import org.rts.hub.intake.Decision;
import org.rts.hub.intake.IntakeStore;
import org.rts.protocol.merkle.ReceiptLog;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.RestartReport;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;

/**
 * Every message the hub received and what it decided, in SQLite (one file) for a single hub or PostgreSQL for
 * several hubs sharing the load: the log of every distinct message received ({@code inbound}) with its answer;
 * the messages that joined a device's chain ({@code chain}, with their bytes, receipt and delivery path: their
 * {@code inbound} row keeps no second copy), the chain's end ({@code heads}); accepted results ({@code results})
 * and the highest turnout per station ({@code stations}).
 *
 * <p>Decisions are written a batch at a time ({@link #commitBatch}): one transaction, one disk flush, for many
 * messages. The transaction first locks the rows of the batch's devices and stations (PostgreSQL; SQLite locks
 * the whole file), then reads what the decisions need, so two hubs never decide on the same chain at once. An
 * accepted message to forward is queued in the same transaction ({@link #forwardTo}).
 *
 * <p>An identical copy of a chained message is not stored again (its unit's resend, or the broker delivering it
 * again). Messages left out of the chain (failed authentication, wrong sequence) are kept in full up to
 * {@link #UNCHAINED_BODIES} per device, then as hash and size up to {@link #UNCHAINED_ROWS}, then only counted in
 * {@code unchained}: one misbehaving unit cannot fill the disk. A chained message keeps its hash, sequence number
 * and decision forever; when rejected on content its body is kept only while its unit is within
 * {@link #REJECTED_BODIES} and {@link #REJECTED_BODY_BYTES} (then withheld: {@code jws} empty, counted in
 * {@code rejected_bodies}). One connection, used by one thread at a time.
 */
public final class MessageStore extends ResultStore implements IntakeStore {
    /** Unchained messages per device kept with their bytes. */
    public static final int UNCHAINED_BODIES = 100;
    /** Unchained messages per device kept as a row (hash, size, answer) at all. */
    public static final int UNCHAINED_ROWS = 1000;
    /**
     * Chained messages rejected on content per device kept with their bytes: a unit has a handful of genuine
     * messages, and a few rejected ones to review; a stolen unit's signed flood keeps only its hashes beyond this.
     */
    public static final int REJECTED_BODIES = 64;
    /** Bytes of rejected chained messages per device kept at most (32 messages of the largest size, 64 KiB). */
    public static final long REJECTED_BODY_BYTES = 2L * 1024 * 1024;

    /** The receipt column of a chained message's {@code inbound} row: its receipt is in its chain row. */
    private static final byte[] NO_RECEIPT = new byte[0];

    private final Dialect dialect;
    private final WalCheckpoints checkpoints; // null: PostgreSQL
    private List<String> forwardTo = List.of();
    private java.util.Set<String> forwardKinds = java.util.Set.of();

    private MessageStore(Database db, WalCheckpoints checkpoints) {
        super(db);
        this.dialect = db.dialect();
        this.checkpoints = checkpoints;
    }

    /** An SQLite store in {@code file}, created if missing. */
    public static MessageStore open(Path file) {
        return open(file.toString());
    }

    /** A store at {@code location}: a {@code jdbc:postgresql://...} URL, or an SQLite file. */
    public static MessageStore open(String location) {
        Database db = Database.open(location);
        try {
            return new MessageStore(db, WalCheckpoints.start(location));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (checkpoints != null) {
            checkpoints.close();
        }
        super.close();
    }

    /**
     * Decides and writes one batch in one transaction: locks and reads what {@code keys} name, hands it to
     * {@code decide}, writes the decisions it returns and commits. Returns them once they are on disk.
     */
    @Override
    public synchronized List<Decision> commitBatch(String election, BatchKeys keys,
                                                   Function<BatchState, Batch> decide) {
        return db.run("store a batch of " + keys.hashes().size() + " messages", c -> {
            dialect.begin(c);
            BatchState state = read(c, election, keys);
            Batch batch = decide.apply(state);
            write(c, election, batch.decisions());
            if (batch.log() != null) {
                log(c, batch.log());
            }
            dialect.commit(c);
            return batch.decisions();
        });
    }

    /**
     * Brings {@code log} to the leaves this store holds for it, and checks them against the last tree head it
     * signed: leaves changed or taken away in the database stop the hub here.
     */
    public synchronized void load(ReceiptLog log) {
        db.run("read receipt log " + log.name(), c -> {
            dialect.beginSnapshot(c);
            log.align(logSize(c, log.name()), leaves(c, log.name()));
            PreparedStatement h = db.statement(c, "SELECT head FROM receipt_heads WHERE log = ? ORDER BY size DESC"
                    + " LIMIT 1");
            h.setString(1, log.name());
            try (ResultSet rs = h.executeQuery()) {
                if (rs.next()) {
                    log.requireMatches(rs.getString(1));
                }
            }
            dialect.endSnapshot(c);
            return null;
        });
    }

    /** The tree heads {@code log} signed, oldest first. */
    public synchronized List<String> treeHeads(String log) {
        return db.queryAll("SELECT head FROM receipt_heads WHERE log = ? ORDER BY size", rs -> rs.getString(1), log);
    }

    private long logSize(Connection c, String log) throws SQLException {
        PreparedStatement n = db.statement(c, "SELECT COALESCE(MAX(idx) + 1, 0) FROM receipt_log WHERE log = ?");
        n.setString(1, log);
        try (ResultSet rs = n.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Reads {@code log}'s leaf hashes on {@code c}, in the transaction under way. */
    private ReceiptLog.Leaves leaves(Connection c, String log) {
        return (from, each) -> {
            try {
                PreparedStatement l = db.statement(c, "SELECT leaf_hash FROM receipt_log WHERE log = ? AND idx >= ?"
                        + " ORDER BY idx");
                l.setFetchSize(10_000);
                l.setString(1, log);
                l.setLong(2, from);
                try (ResultSet rs = l.executeQuery()) {
                    while (rs.next()) {
                        each.accept(rs.getBytes(1));
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read receipt log " + log + ": " + e.getMessage(),
                        dialect.transientFault(e), e);
            }
        };
    }

    private void log(Connection c, ReceiptLog.Sealed sealed) throws SQLException {
        PreparedStatement leaf = db.statement(c, "INSERT INTO receipt_log (log, idx, leaf_hash) VALUES (?,?,?)");
        for (int i = 0; i < sealed.leafHashes().size(); i++) {
            Database.bind(leaf, sealed.log(), sealed.first() + i, sealed.leafHashes().get(i));
            leaf.addBatch();
        }
        leaf.executeBatch();
        // the receipts themselves, so that an export names the unit of a leaf whose message is missing
        PreparedStatement bytes = db.statement(c, "INSERT INTO receipt_leaves (log, idx, leaf) VALUES (?,?,?)");
        for (int i = 0; i < sealed.leaves().size(); i++) {
            Database.bind(bytes, sealed.log(), sealed.first() + i, sealed.leaves().get(i));
            bytes.addBatch();
        }
        bytes.executeBatch();
        PreparedStatement head = db.statement(c, "INSERT INTO receipt_heads (log, size, head) VALUES (?,?,?)");
        Database.bind(head, sealed.log(), sealed.size(), sealed.head());
        head.executeUpdate();
    }

    private BatchState read(Connection c, String election, BatchKeys keys) throws SQLException {
        String devices = Database.json(keys.devices());
        String stations = Database.json(keys.stations());
        // rows to lock even for devices and stations seen for the first time
        PreparedStatement newHeads = db.statement(c, "INSERT INTO heads (device, seq, msg_hash) SELECT value, 0, ''"
                + " FROM " + dialect.jsonTable() + " WHERE true ON CONFLICT (device) DO NOTHING");
        newHeads.setString(1, devices);
        newHeads.executeUpdate();
        Map<String, ChainPosition> heads = new HashMap<>();
        PreparedStatement h = db.statement(c, "SELECT device, seq, msg_hash FROM heads WHERE device IN " + dialect.in()
                + " ORDER BY device" + dialect.lockRows());
        h.setString(1, devices);
        try (ResultSet rs = h.executeQuery()) {
            while (rs.next()) {
                if (rs.getLong(2) > 0) {
                    heads.put(rs.getString(1), new ChainPosition(rs.getLong(2), rs.getString(3)));
                }
            }
        }
        PreparedStatement newStations = db.statement(c, "INSERT INTO stations (election, station, max_voters) SELECT ?,"
                + " value, -1 FROM " + dialect.jsonTable() + " WHERE true ON CONFLICT (election, station) DO NOTHING");
        newStations.setString(1, election);
        newStations.setString(2, stations);
        newStations.executeUpdate();
        Map<String, Integer> maxTurnout = new HashMap<>();
        PreparedStatement t = db.statement(c, "SELECT station, max_voters FROM stations WHERE election = ? AND"
                + " station IN " + dialect.in() + " ORDER BY station" + dialect.lockRows());
        t.setString(1, election);
        t.setString(2, stations);
        try (ResultSet rs = t.executeQuery()) {
            while (rs.next()) {
                if (rs.getInt(2) >= 0) {
                    maxTurnout.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        Map<String, byte[]> receipts = new HashMap<>();
        PreparedStatement r = db.statement(c, "SELECT msg_hash, receipt FROM chain WHERE msg_hash IN " + dialect.in());
        r.setString(1, Database.json(keys.hashes()));
        try (ResultSet rs = r.executeQuery()) {
            while (rs.next()) {
                receipts.put(rs.getString(1), rs.getBytes(2));
            }
        }
        Map<String, AcceptedResult> results = new HashMap<>();
        PreparedStatement a = db.statement(c, "SELECT " + RESULT_COLUMNS + " FROM results WHERE election = ? AND"
                + " station IN " + dialect.in());
        a.setString(1, election);
        a.setString(2, stations);
        try (ResultSet rs = a.executeQuery()) {
            while (rs.next()) {
                AcceptedResult ar = ResultStore.acceptedResult(rs);
                results.put(BatchState.resultKey(ar.station(), ar.race()), ar);
            }
        }
        return keys.log() == null ? new BatchState(heads, receipts, maxTurnout, results, 0, (from, each) -> { })
                : new BatchState(heads, receipts, maxTurnout, results, logSize(c, keys.log()), leaves(c, keys.log()));
    }

    private void write(Connection c, String election, List<Decision> decisions) throws SQLException {
        Map<String, long[]> unchained = unchainedCounts(c, decisions);
        RejectedBodies rejected = RejectedBodies.read(db, c, decisions);
        PreparedStatement inbound = db.statement(c, "INSERT INTO inbound (received_at, topic, device, msg_hash, size,"
                + " body, status, reasons, receipt) VALUES (?,?,?,?,?,?,?,?,?)");
        PreparedStatement chain = db.statement(c, "INSERT INTO chain (device, seq, msg_hash, prev, kind, election,"
                + " station, race, status, reasons, warnings, jws, receipt, received_at, path)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        PreparedStatement head = db.statement(c, "UPDATE heads SET seq = ?, msg_hash = ? WHERE device = ?");
        PreparedStatement result = db.statement(c, "INSERT INTO results (election, station, race, device, msg_hash,"
                + " registered, received, unused, spoiled, in_box, invalid, votes, figures, warnings, accepted_at)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (election, station, race) DO NOTHING");
        PreparedStatement turnout = db.statement(c, "UPDATE stations SET max_voters = ? WHERE election = ? AND"
                + " station = ? AND max_voters < ?");
        PreparedStatement forward = db.statement(c, "INSERT INTO forward_queue (upstream, msg_hash, enqueued_at, state,"
                + " attempts, next_at) VALUES (?,?,?,'PENDING',0,?) ON CONFLICT (upstream, msg_hash) DO NOTHING");
        Map<String, long[]> unchainedWritten = new LinkedHashMap<>();
        for (Decision d : decisions) {
            String reasons = codes(d.reasons());
            String now = d.receivedAt().toString();
            if (d.resend()) {
                continue; // a copy of a chained message: answered with its receipt and counted, not stored again
            }
            String status = d.accepted() ? "ACCEPTED" : "REJECTED";
            if (d.report() == null) {
                long[] counts = unchained.computeIfAbsent(d.deviceId(), k -> new long[1]);
                long[] written = unchainedWritten.computeIfAbsent(d.deviceId(), k -> new long[3]);
                if (counts[0] >= UNCHAINED_ROWS) {
                    written[1]++;
                    written[2] += d.bytes().length;
                    continue;
                }
                bindInbound(inbound, d, now, status, reasons, counts[0] < UNCHAINED_BODIES ? d.bytes() : null,
                        d.receipt());
                counts[0]++;
                written[0]++;
                continue;
            }
            boolean body = rejected.keep(d);
            bindInbound(inbound, d, now, status, reasons, null, NO_RECEIPT); // both are in its chain row
            var r = d.report();
            String race = r instanceof ResultReport rr ? rr.race() : null;
            Database.bind(chain, r.device(), r.seq(), d.hash(), r.prev(), r.kind(), r.election(), r.station(), race,
                    status, reasons, codes(d.warnings()), body ? new String(d.bytes(), StandardCharsets.US_ASCII) : "",
                    d.receipt(), now, d.path());
            chain.addBatch();
            Database.bind(head, r.seq(), d.hash(), r.device());
            head.addBatch();
            if (d.accepted() && r instanceof ResultReport rr) {
                // the key (election, station, race) keeps the first accepted result
                Database.bind(result, rr.election(), rr.station(), rr.race(), rr.device(), d.hash(), rr.registered(),
                        rr.received(), rr.unused(), rr.spoiled(), rr.inBox(), rr.invalid(), rr.votes().stream()
                                .map(String::valueOf).collect(Collectors.joining(",")), rr.figures(),
                        codes(d.warnings()), now);
                result.addBatch();
            }
            if (d.accepted() && r instanceof TurnoutReport t) {
                Database.bind(turnout, t.voters(), t.election(), t.station(), t.voters());
                turnout.addBatch();
            }
            if (d.accepted() && forwardKinds.contains(r.kind())) {
                for (String upstream : forwardTo) {
                    long at = d.receivedAt().toEpochMilli();
                    Database.bind(forward, upstream, d.hash(), at, at);
                    forward.addBatch();
                }
            }
        }
        forward.executeBatch();
        inbound.executeBatch();
        chain.executeBatch();
        head.executeBatch();
        result.executeBatch();
        turnout.executeBatch();
        rejected.write(db, c);
        if (!unchainedWritten.isEmpty()) {
            PreparedStatement count = db.statement(c, "INSERT INTO unchained (device, stored, dropped, dropped_bytes,"
                    + " last_at) VALUES (?,?,?,?,?) ON CONFLICT (device) DO UPDATE SET"
                    + " stored = unchained.stored + excluded.stored, dropped = unchained.dropped + excluded.dropped,"
                    + " dropped_bytes = unchained.dropped_bytes + excluded.dropped_bytes, last_at = excluded.last_at");
            String last = decisions.get(decisions.size() - 1).receivedAt().toString();
            for (var e : unchainedWritten.entrySet()) {
                Database.bind(count, e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2], last);
                count.addBatch();
            }
            count.executeBatch();
        }
    }

    private static void bindInbound(PreparedStatement inbound, Decision d, String now, String status, String reasons,
                                    byte[] body, byte[] receipt) throws SQLException {
        Database.bind(inbound, now, d.topic(), d.deviceId(), d.hash(), d.bytes().length, body, status, reasons,
                receipt);
        inbound.addBatch();
    }

    private Map<String, long[]> unchainedCounts(Connection c, List<Decision> decisions) throws SQLException {
        List<String> devices = decisions.stream().filter(d -> d.report() == null && !d.resend())
                .map(Decision::deviceId).distinct().toList();
        Map<String, long[]> counts = new HashMap<>();
        if (devices.isEmpty()) {
            return counts;
        }
        PreparedStatement s = db.statement(c, "SELECT device, stored FROM unchained WHERE device IN " + dialect.in());
        s.setString(1, Database.json(devices));
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), new long[] {rs.getLong(2)});
            }
        }
        return counts;
    }

    /** Writes one decision in its own transaction (a batch of one). */
    public synchronized void save(Decision d) {
        String station = d.report() != null ? d.report().station() : null;
        String device = d.report() != null ? d.report().device() : d.deviceId();
        String election = d.report() != null ? d.report().election() : "";
        commitBatch(election, new BatchKeys(java.util.Set.of(device), station == null ? java.util.Set.of()
                : java.util.Set.of(station), java.util.Set.of(d.hash())), state -> Batch.of(List.of(d)));
    }

    /**
     * From now on, each accepted message of {@code kinds} is queued for each of {@code upstreams} in the same
     * transaction that stores it, so nothing accepted is ever left out of forwarding.
     */
    public synchronized void forwardTo(List<String> upstreams, java.util.Set<String> kinds) {
        this.forwardTo = List.copyOf(upstreams);
        this.forwardKinds = java.util.Set.copyOf(kinds);
    }

    private static String codes(List<Finding> findings) {
        return findings.stream().map(Finding::code).collect(Collectors.joining(" "));
    }
}
