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
import org.rts.protocol.codec.Json;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.RestartReport;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;

/**
 * The hub's durable store, in SQLite (one file, WAL, {@code synchronous=FULL}) for a single hub or PostgreSQL for
 * several hubs sharing the load. Every distinct message received is kept ({@code inbound}) with what was answered; messages
 * that joined a device's chain are in {@code chain}, the chain's end in {@code heads}; accepted results in
 * {@code results}, the highest turnout per station in {@code stations}.
 *
 * <p>Decisions are written a batch at a time ({@link #commitBatch}): one transaction, one disk flush, for many
 * messages. The transaction first locks the rows of the batch's devices and stations (PostgreSQL; SQLite locks
 * the whole file), then reads what the decisions need, so two hubs never decide on the same chain at once.
 *
 * <p>An identical copy of a chained message is not stored again (its unit's resend, or the broker delivering it
 * again): the log holds each message once. Messages left out of the chain (failed authentication, wrong sequence) are kept in full up to
 * {@link #UNCHAINED_BODIES} per device, then as hash and size up to {@link #UNCHAINED_ROWS}, then only counted in
 * {@code unchained}: one misbehaving unit cannot fill the disk.
 *
 * <p>After any error the connection is closed and the next call opens a fresh one, so a transaction the database
 * already rolled back (full disk, I/O error, lost connection) never leaves the store stuck. One connection, used
 * by one thread at a time.
 */
public final class HubStore implements AutoCloseable {
    /** Unchained messages per device kept with their bytes. */
    public static final int UNCHAINED_BODIES = 100;
    /** Unchained messages per device kept as a row (hash, size, answer) at all. */
    public static final int UNCHAINED_ROWS = 1000;

    private final String location;
    private final Dialect dialect;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private Connection db;
    private List<String> forwardTo = List.of();
    private java.util.Set<String> forwardKinds = java.util.Set.of();

    private HubStore(String location) {
        this.location = location;
        this.dialect = Dialect.of(location);
    }

    /** An SQLite store in {@code file}, created if missing. */
    public static HubStore open(Path file) {
        return open(file.toString());
    }

    /** A store at {@code location}: a {@code jdbc:postgresql://...} URL, or an SQLite file. */
    public static HubStore open(String location) {
        HubStore store = new HubStore(location);
        store.connection();
        return store;
    }

    /** Where the store is (a password in it is not shown). */
    public String location() {
        return Dialect.describe(location);
    }

    private String schema() {
        String blob = dialect.blob();
        return """
                CREATE TABLE IF NOT EXISTS inbound (
                  id %s, received_at TEXT NOT NULL, topic TEXT NOT NULL, device TEXT NOT NULL,
                  msg_hash TEXT NOT NULL, size INTEGER NOT NULL, body %s, status TEXT NOT NULL,
                  reasons TEXT NOT NULL, receipt %s NOT NULL);
                CREATE INDEX IF NOT EXISTS inbound_hash ON inbound (msg_hash);
                CREATE INDEX IF NOT EXISTS inbound_device ON inbound (device);
                CREATE TABLE IF NOT EXISTS chain (
                  device TEXT NOT NULL, seq BIGINT NOT NULL, msg_hash TEXT NOT NULL UNIQUE, prev TEXT NOT NULL,
                  kind TEXT NOT NULL, election TEXT NOT NULL, station TEXT NOT NULL, race TEXT, status TEXT NOT NULL,
                  reasons TEXT NOT NULL, warnings TEXT NOT NULL, jws TEXT NOT NULL, receipt %s NOT NULL,
                  received_at TEXT NOT NULL, PRIMARY KEY (device, seq));
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
                CREATE TABLE IF NOT EXISTS ops_sessions (
                  token_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, until BIGINT NOT NULL)
                """.formatted(dialect.serial(), blob, blob, blob, dialect.serial());
    }

    private Connection connection() throws StoreException {
        if (db != null) {
            return db;
        }
        Connection c = null;
        try {
            c = dialect.connect(location);
            dialect.create(c, location, Arrays.stream(schema().split(";")).filter(ddl -> !ddl.isBlank()).toList());
            dialect.prepare(c);
            db = c;
            return c;
        } catch (SQLException e) {
            close(c);
            throw failure("cannot open hub store " + location(), e);
        }
    }

    /** Checks the store can be read now: a probe for the hub's health report. */
    public synchronized void check() {
        run("check the hub store", c -> {
            statement(c, "SELECT COUNT(*) FROM unchained").executeQuery().close();
            return null;
        });
    }

    /**
     * Decides and writes one batch in one transaction: locks and reads what {@code keys} name, hands it to
     * {@code decide}, writes the decisions it returns and commits. Returns them once they are on disk.
     */
    public synchronized List<Decision> commitBatch(String election, BatchKeys keys,
                                                   Function<BatchState, List<Decision>> decide) {
        return run("store a batch of " + keys.hashes().size() + " messages", c -> {
            dialect.begin(c);
            BatchState state = read(c, election, keys);
            List<Decision> decisions = decide.apply(state);
            write(c, election, decisions);
            dialect.commit(c);
            return decisions;
        });
    }

    private BatchState read(Connection c, String election, BatchKeys keys) throws SQLException {
        String devices = json(keys.devices());
        String stations = json(keys.stations());
        // rows to lock even for devices and stations seen for the first time
        PreparedStatement newHeads = statement(c, "INSERT INTO heads (device, seq, msg_hash) SELECT value, 0, ''"
                + " FROM " + dialect.jsonTable() + " WHERE true ON CONFLICT (device) DO NOTHING");
        newHeads.setString(1, devices);
        newHeads.executeUpdate();
        Map<String, ChainPosition> heads = new HashMap<>();
        PreparedStatement h = statement(c, "SELECT device, seq, msg_hash FROM heads WHERE device IN " + dialect.in()
                + " ORDER BY device" + dialect.lockRows());
        h.setString(1, devices);
        try (ResultSet rs = h.executeQuery()) {
            while (rs.next()) {
                if (rs.getLong(2) > 0) {
                    heads.put(rs.getString(1), new ChainPosition(rs.getLong(2), rs.getString(3)));
                }
            }
        }
        PreparedStatement newStations = statement(c, "INSERT INTO stations (election, station, max_voters) SELECT ?,"
                + " value, -1 FROM " + dialect.jsonTable() + " WHERE true ON CONFLICT (election, station) DO NOTHING");
        newStations.setString(1, election);
        newStations.setString(2, stations);
        newStations.executeUpdate();
        Map<String, Integer> maxTurnout = new HashMap<>();
        PreparedStatement t = statement(c, "SELECT station, max_voters FROM stations WHERE election = ? AND station IN "
                + dialect.in() + " ORDER BY station" + dialect.lockRows());
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
        PreparedStatement r = statement(c, "SELECT msg_hash, receipt FROM chain WHERE msg_hash IN " + dialect.in());
        r.setString(1, json(keys.hashes()));
        try (ResultSet rs = r.executeQuery()) {
            while (rs.next()) {
                receipts.put(rs.getString(1), rs.getBytes(2));
            }
        }
        Map<String, AcceptedResult> results = new HashMap<>();
        PreparedStatement a = statement(c, "SELECT " + RESULT_COLUMNS + " FROM results WHERE election = ? AND station"
                + " IN " + dialect.in());
        a.setString(1, election);
        a.setString(2, stations);
        try (ResultSet rs = a.executeQuery()) {
            while (rs.next()) {
                AcceptedResult ar = acceptedResult(rs);
                results.put(BatchState.resultKey(ar.station(), ar.race()), ar);
            }
        }
        return new BatchState(heads, receipts, maxTurnout, results);
    }

    private void write(Connection c, String election, List<Decision> decisions) throws SQLException {
        Map<String, long[]> unchained = unchainedCounts(c, decisions);
        PreparedStatement inbound = statement(c, "INSERT INTO inbound (received_at, topic, device, msg_hash, size, body,"
                + " status, reasons, receipt) VALUES (?,?,?,?,?,?,?,?,?)");
        PreparedStatement chain = statement(c, "INSERT INTO chain (device, seq, msg_hash, prev, kind, election,"
                + " station, race, status, reasons, warnings, jws, receipt, received_at)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        PreparedStatement head = statement(c, "UPDATE heads SET seq = ?, msg_hash = ? WHERE device = ?");
        PreparedStatement result = statement(c, "INSERT INTO results (election, station, race, device, msg_hash,"
                + " registered, received, unused, spoiled, in_box, invalid, votes, figures, warnings, accepted_at)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (election, station, race) DO NOTHING");
        PreparedStatement turnout = statement(c, "UPDATE stations SET max_voters = ? WHERE election = ? AND station = ?"
                + " AND max_voters < ?");
        PreparedStatement forward = statement(c, "INSERT INTO forward_queue (upstream, msg_hash, enqueued_at, state,"
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
                bindInbound(inbound, d, now, status, reasons, counts[0] < UNCHAINED_BODIES ? d.bytes() : null);
                counts[0]++;
                written[0]++;
                continue;
            }
            bindInbound(inbound, d, now, status, reasons, d.bytes());
            var r = d.report();
            String race = r instanceof ResultReport rr ? rr.race() : null;
            bind(chain, r.device(), r.seq(), d.hash(), r.prev(), r.kind(), r.election(), r.station(), race, status,
                    reasons, codes(d.warnings()), new String(d.bytes(), StandardCharsets.US_ASCII), d.receipt(), now);
            chain.addBatch();
            bind(head, r.seq(), d.hash(), r.device());
            head.addBatch();
            if (d.accepted() && r instanceof ResultReport rr) {
                // the key (election, station, race) keeps the first accepted result
                bind(result, rr.election(), rr.station(), rr.race(), rr.device(), d.hash(), rr.registered(),
                        rr.received(), rr.unused(), rr.spoiled(), rr.inBox(), rr.invalid(), rr.votes().stream()
                                .map(String::valueOf).collect(Collectors.joining(",")), rr.figures(),
                        codes(d.warnings()), now);
                result.addBatch();
            }
            if (d.accepted() && r instanceof TurnoutReport t) {
                bind(turnout, t.voters(), t.election(), t.station(), t.voters());
                turnout.addBatch();
            }
            if (d.accepted() && forwardKinds.contains(r.kind())) {
                for (String upstream : forwardTo) {
                    long at = d.receivedAt().toEpochMilli();
                    bind(forward, upstream, d.hash(), at, at);
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
        if (!unchainedWritten.isEmpty()) {
            PreparedStatement count = statement(c, "INSERT INTO unchained (device, stored, dropped, dropped_bytes,"
                    + " last_at) VALUES (?,?,?,?,?) ON CONFLICT (device) DO UPDATE SET"
                    + " stored = unchained.stored + excluded.stored, dropped = unchained.dropped + excluded.dropped,"
                    + " dropped_bytes = unchained.dropped_bytes + excluded.dropped_bytes, last_at = excluded.last_at");
            String last = decisions.get(decisions.size() - 1).receivedAt().toString();
            for (var e : unchainedWritten.entrySet()) {
                bind(count, e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2], last);
                count.addBatch();
            }
            count.executeBatch();
        }
    }

    private static void bindInbound(PreparedStatement inbound, Decision d, String now, String status, String reasons,
                                    byte[] body) throws SQLException {
        bind(inbound, now, d.topic(), d.deviceId(), d.hash(), d.bytes().length, body, status, reasons, d.receipt());
        inbound.addBatch();
    }

    private Map<String, long[]> unchainedCounts(Connection c, List<Decision> decisions) throws SQLException {
        List<String> devices = decisions.stream().filter(d -> d.report() == null && !d.resend())
                .map(Decision::deviceId).distinct().toList();
        Map<String, long[]> counts = new HashMap<>();
        if (devices.isEmpty()) {
            return counts;
        }
        PreparedStatement s = statement(c, "SELECT device, stored FROM unchained WHERE device IN " + dialect.in());
        s.setString(1, json(devices));
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
                : java.util.Set.of(station), java.util.Set.of(d.hash())), state -> List.of(d));
    }

    /** The receipt already given to a message that joined a chain, for an identical resend. */
    public synchronized Optional<byte[]> chainedReceipt(String hash) {
        return queryOne("SELECT receipt FROM chain WHERE msg_hash = ?", rs -> rs.getBytes(1), hash);
    }

    /** The device's last chained message, or {@link ChainPosition#START}. */
    public synchronized ChainPosition head(String device) {
        return queryOne("SELECT seq, msg_hash FROM heads WHERE device = ? AND seq > 0",
                rs -> new ChainPosition(rs.getLong(1), rs.getString(2)), device).orElse(ChainPosition.START);
    }

    /** The highest accepted turnout figure of a station so far. */
    public synchronized OptionalInt maxTurnout(String election, String station) {
        Optional<Integer> max = queryOne("SELECT max_voters FROM stations WHERE election = ? AND station = ?"
                + " AND max_voters >= 0", rs -> rs.getInt(1), election, station);
        return max.map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    private static final String RESULT_COLUMNS = "station, race, device, msg_hash, registered, in_box, invalid,"
            + " votes, figures, warnings";

    public synchronized Optional<AcceptedResult> result(String election, String station, String race) {
        return queryOne("SELECT " + RESULT_COLUMNS + " FROM results WHERE election = ? AND station = ? AND race = ?",
                HubStore::acceptedResult, election, station, race);
    }

    public synchronized List<AcceptedResult> results(String election) {
        return queryAll("SELECT " + RESULT_COLUMNS + " FROM results WHERE election = ? ORDER BY station, race",
                HubStore::acceptedResult, election);
    }

    /** Latest accepted turnout per station, station id to voters. */
    public synchronized Map<String, Integer> turnout(String election) {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (Object[] row : queryAll("SELECT station, max_voters FROM stations WHERE election = ? AND max_voters >= 0"
                + " ORDER BY station", rs -> new Object[] {rs.getString(1), rs.getInt(2)}, election)) {
            map.put((String) row[0], (Integer) row[1]);
        }
        return map;
    }

    /** Per station, its chained results rejected on content ({@code CONFLICT} counted apart): [rejected, conflicts]. */
    public synchronized Map<String, int[]> rejectedResults(String election) {
        Map<String, int[]> map = new java.util.TreeMap<>();
        for (Object[] row : queryAll("SELECT station, reasons FROM chain WHERE election = ? AND kind = 'result' AND"
                + " status = 'REJECTED'", rs -> new Object[] {rs.getString(1), rs.getString(2)}, election)) {
            int[] counts = map.computeIfAbsent((String) row[0], k -> new int[2]);
            counts[((String) row[1]).contains("CONFLICT") ? 1 : 0]++;
        }
        return map;
    }

    /** One line per rejected chained message: kept for review, never counted. */
    public synchronized List<String> rejectedForReview(String election) {
        return queryAll("SELECT device, seq, station, COALESCE(race, ''), reasons FROM chain WHERE election = ?"
                + " AND status = 'REJECTED' ORDER BY received_at, device, seq", rs -> rs.getString(1) + " seq "
                + rs.getLong(2) + " station " + rs.getString(3) + " " + rs.getString(4) + ": " + rs.getString(5),
                election);
    }

    /** One line per chain restart, to be reviewed: which unit, where in its chain, why. */
    public synchronized List<String> restarts(String election) {
        return queryAll("SELECT device, seq, station, jws, received_at FROM chain WHERE election = ? AND kind = ?"
                + " AND status = 'ACCEPTED' ORDER BY received_at, device, seq", rs -> {
                    RestartReport r = (RestartReport) org.rts.protocol.codec.MessageCodec.decodeReport(
                            org.rts.protocol.jws.Jws.parse(rs.getString(4).getBytes(StandardCharsets.US_ASCII))
                                    .payload());
                    return rs.getString(1) + " restarted its chain at seq " + rs.getLong(2) + " (station "
                            + rs.getString(3) + ", " + r.cause() + ", the unit still had seq " + r.localSeq()
                            + ", received " + rs.getString(5) + ")";
                }, election, org.rts.protocol.Topics.RESTART);
    }

    /** How many messages were received, by the status answered. */
    public synchronized Map<String, Integer> inboundCounts() {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (Object[] row : queryAll("SELECT status, COUNT(*) FROM inbound GROUP BY status ORDER BY status",
                rs -> new Object[] {rs.getString(1), rs.getInt(2)})) {
            map.put((String) row[0], (Integer) row[1]);
        }
        return map;
    }

    /** Rows of the log that repeat a message already in it (a copy decided again, e.g. after a sequence gap). */
    public synchronized long storedCopies() {
        return queryOne("SELECT COUNT(*) - COUNT(DISTINCT msg_hash) FROM inbound", rs -> rs.getLong(1)).orElse(0L);
    }

    /** Reason codes answered to a device's messages, oldest first (for operations and tests). */
    public synchronized List<String> inboundReasons(String device) {
        return queryAll("SELECT reasons FROM inbound WHERE device = ? ORDER BY id", rs -> rs.getString(1), device);
    }

    /** How much of what a device sent was not chained, and how much of it was kept. */
    public record Unchained(long rows, long bodies, long dropped, long droppedBytes) {
    }

    /** Unchained messages of a device: kept as rows, kept with their bytes, not kept at all (and their bytes). */
    public synchronized Unchained unchained(String device) {
        long[] counts = queryOne("SELECT stored, dropped, dropped_bytes FROM unchained WHERE device = ?",
                rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}, device).orElse(new long[3]);
        long bodies = queryOne("SELECT COUNT(*) FROM inbound WHERE device = ? AND status = 'REJECTED' AND body IS NOT"
                + " NULL AND msg_hash NOT IN (SELECT msg_hash FROM chain)", rs -> rs.getLong(1), device).orElse(0L);
        return new Unchained(counts[0], bodies, counts[1], counts[2]);
    }

    /**
     * From now on, each accepted message of {@code kinds} is queued for each of {@code upstreams} in the same
     * transaction that stores it, so nothing accepted is ever left out of forwarding.
     */
    public synchronized void forwardTo(List<String> upstreams, java.util.Set<String> kinds) {
        this.forwardTo = List.copyOf(upstreams);
        this.forwardKinds = java.util.Set.copyOf(kinds);
    }

    /** A queued message, with what travels: the device's JWS as received and the hub's receipt. */
    public record Forward(long id, String upstream, String hash, String kind, String device, String station,
                          String jws, byte[] receipt, int attempts, long enqueuedAt) {
    }

    /**
     * Claims up to {@code limit} messages due for {@code upstream} for {@code lease} milliseconds, oldest first.
     * A message claimed by another hub (sharing the store) is not claimed again before its lease runs out; one
     * this hub claimed before it stopped is claimed again at once.
     */
    public synchronized List<Forward> claimForward(String upstream, String holder, long now, long lease, int limit) {
        return run("claim messages to forward", c -> {
            dialect.begin(c);
            PreparedStatement claim = statement(c, "UPDATE forward_queue SET lease_until = ?, leased_by = ? WHERE id"
                    + " IN (SELECT id FROM forward_queue WHERE upstream = ? AND state = 'PENDING' AND next_at <= ? AND"
                    + " (lease_until IS NULL OR lease_until < ? OR leased_by = ?) ORDER BY id LIMIT ?) AND state ="
                    + " 'PENDING' AND (lease_until IS NULL OR lease_until < ? OR leased_by = ?)");
            bind(claim, now + lease, holder, upstream, now, now, holder, limit, now, holder);
            claim.executeUpdate();
            PreparedStatement read = statement(c, "SELECT f.id, f.msg_hash, c.kind, c.device, c.station, c.jws,"
                    + " c.receipt, f.attempts, f.enqueued_at FROM forward_queue f JOIN chain c ON c.msg_hash ="
                    + " f.msg_hash WHERE f.upstream = ? AND f.leased_by = ? AND f.lease_until = ? AND f.state ="
                    + " 'PENDING' ORDER BY f.id");
            bind(read, upstream, holder, now + lease);
            List<Forward> claimed = new ArrayList<>();
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Forward(rs.getLong(1), upstream, rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getBytes(7), rs.getInt(8),
                            rs.getLong(9)));
                }
            }
            dialect.commit(c);
            return claimed;
        });
    }

    /** The upstream took the message: it is not sent again. */
    public synchronized void forwarded(long id, long now) {
        update("record a forwarding outcome", "UPDATE forward_queue SET state = 'DELIVERED', attempts = attempts + 1, done_at = ?,"
                + " lease_until = NULL, last_error = NULL WHERE id = ?", now, id);
    }

    /** The upstream could not take it now: tried again from {@code nextAt}. */
    public synchronized void forwardLater(long id, long nextAt, String error) {
        forwardLater(id, nextAt, error, true);
    }

    /** As above; {@code attempted} false puts back a message that was claimed but not tried. */
    public synchronized void forwardLater(long id, long nextAt, String error, boolean attempted) {
        if (attempted) {
            update("record a forwarding outcome", "UPDATE forward_queue SET attempts = attempts + 1, next_at = ?, lease_until = NULL,"
                    + " last_error = ? WHERE id = ?", nextAt, error, id);
        } else {
            update("record a forwarding outcome", "UPDATE forward_queue SET next_at = ?, lease_until = NULL WHERE id = ?", nextAt, id);
        }
    }

    /** The upstream refused the message itself: kept for review, not sent again. */
    public synchronized void forwardRefused(long id, long now, String error) {
        update("record a forwarding outcome", "UPDATE forward_queue SET state = 'REFUSED', attempts = attempts + 1, done_at = ?,"
                + " lease_until = NULL, last_error = ? WHERE id = ?", now, error, id);
    }


    /** Where one upstream stands: messages waiting, the oldest one's queueing time, and refused ones. */
    public record ForwardLag(String upstream, long pending, Long oldestEnqueuedAt, long refused, long delivered) {
    }

    public synchronized ForwardLag forwardLag(String upstream) {
        return queryOne("SELECT SUM(CASE WHEN state = 'PENDING' THEN 1 ELSE 0 END), MIN(CASE WHEN state = 'PENDING'"
                + " THEN enqueued_at END), SUM(CASE WHEN state = 'REFUSED' THEN 1 ELSE 0 END), SUM(CASE WHEN state"
                + " = 'DELIVERED' THEN 1 ELSE 0 END) FROM forward_queue WHERE upstream = ?", rs -> new ForwardLag(
                upstream, rs.getLong(1), rs.getObject(2) == null ? null : rs.getLong(2), rs.getLong(3),
                rs.getLong(4)), upstream).orElseThrow();
    }

    /** The last failure delivering to an upstream, or null when its pending messages never failed. */
    public synchronized String forwardLastError(String upstream) {
        return queryOne("SELECT last_error FROM forward_queue WHERE upstream = ? AND state = 'PENDING' AND last_error"
                + " IS NOT NULL ORDER BY id LIMIT 1", rs -> rs.getString(1), upstream).orElse(null);
    }

    /** Messages an upstream refused, with its answer, for review. */
    public synchronized List<String> forwardRefusals(String upstream) {
        return queryAll("SELECT msg_hash, last_error FROM forward_queue WHERE upstream = ? AND state = 'REFUSED'"
                + " ORDER BY id", rs -> rs.getString(1) + ": " + rs.getString(2), upstream);
    }

    /** Keeps the units' latest health (one transaction for all of them). */
    public synchronized void saveUnits(Collection<org.rts.hub.units.UnitRegistry.UnitStatus> changed) {
        if (changed.isEmpty()) {
            return;
        }
        run("store the units' health", c -> {
            dialect.begin(c);
            PreparedStatement ps = statement(c, "INSERT INTO units (device, station, state, last_seen, session,"
                    + " telemetry, clock_offset, flags) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (device) DO UPDATE SET"
                    + " station = excluded.station, state = excluded.state, last_seen = excluded.last_seen, session ="
                    + " excluded.session, telemetry = excluded.telemetry, clock_offset = excluded.clock_offset,"
                    + " flags = excluded.flags");
            for (var u : changed) {
                bind(ps, u.device(), u.station(), u.state().name(), u.lastSeen() == null ? null
                        : u.lastSeen().toString(), u.session(), u.telemetry() == null ? null
                        : new String(org.rts.protocol.codec.MessageCodec.encode(u.telemetry()),
                        StandardCharsets.UTF_8), u.clockOffsetSeconds(), json(u.flags()));
                ps.addBatch();
            }
            ps.executeBatch();
            dialect.commit(c);
            return null;
        });
    }

    /** Records alerts opened or closed (an alert is named by its rule, subject and opening time). */
    public synchronized void saveAlerts(Collection<org.rts.hub.units.Alerts.Alert> changed) {
        if (changed.isEmpty()) {
            return;
        }
        run("store the alerts", c -> {
            dialect.begin(c);
            PreparedStatement ps = statement(c, "INSERT INTO alerts (rule, subject, station, detail, since, opened,"
                    + " closed) VALUES (?,?,?,?,?,?,?) ON CONFLICT (rule, subject, opened) DO UPDATE SET closed ="
                    + " excluded.closed, detail = excluded.detail");
            for (var a : changed) {
                bind(ps, a.rule().name(), a.subject(), a.station(), a.detail(), a.since().toString(),
                        a.opened().toString(), a.closed() == null ? null : a.closed().toString());
                ps.addBatch();
            }
            ps.executeBatch();
            dialect.commit(c);
            return null;
        });
    }

    /** Alerts, the open ones first then the history, newest first; {@code openOnly} for the open ones. */
    public synchronized List<org.rts.hub.units.Alerts.Alert> alerts(boolean openOnly) {
        return queryAll("SELECT rule, subject, station, detail, since, opened, closed FROM alerts"
                + (openOnly ? " WHERE closed IS NULL" : "") + " ORDER BY closed IS NOT NULL, opened DESC", rs ->
                new org.rts.hub.units.Alerts.Alert(org.rts.hub.units.Alerts.Rule.valueOf(rs.getString(1)),
                        rs.getString(2), rs.getString(3), rs.getString(4), Instant.parse(rs.getString(5)),
                        Instant.parse(rs.getString(6)), rs.getString(7) == null ? null : Instant.parse(rs.getString(7))));
    }

    /** The operations room's sessions, by the hash of their token (the token itself is never stored). */
    public org.rts.hub.web.OpsServer.Sessions opsSessions() {
        return new org.rts.hub.web.OpsServer.Sessions() {
            @Override
            public void open(String tokenHash, String user, Instant until) {
                update("open an operations room session", "INSERT INTO ops_sessions (token_hash, user_name, until)"
                        + " VALUES (?,?,?)", tokenHash, user, until.toEpochMilli());
            }

            @Override
            public boolean valid(String tokenHash, Instant now) {
                return queryOne("SELECT until FROM ops_sessions WHERE token_hash = ?", rs -> rs.getLong(1),
                        tokenHash).map(until -> until >= now.toEpochMilli()).orElse(false);
            }

            @Override
            public void close(String tokenHash) {
                update("close an operations room session", "DELETE FROM ops_sessions WHERE token_hash = ?",
                        tokenHash);
            }
        };
    }

    private synchronized void update(String what, String sql, Object... args) {
        run(what, c -> {
            dialect.begin(c);
            PreparedStatement ps = statement(c, sql);
            bind(ps, args);
            ps.executeUpdate();
            dialect.commit(c);
            return null;
        });
    }

    /** The units' health as last stored. */
    public synchronized List<org.rts.hub.units.UnitRegistry.UnitStatus> units() {
        return queryAll("SELECT device, station, state, last_seen, session, telemetry, clock_offset, flags FROM"
                + " units ORDER BY device", rs -> {
                    String telemetry = rs.getString(6);
                    Long offset = rs.getObject(7) == null ? null : rs.getLong(7);
                    String flags = rs.getString(8);
                    try {
                        return new org.rts.hub.units.UnitRegistry.UnitStatus(rs.getString(1), rs.getString(2),
                                org.rts.hub.units.UnitRegistry.State.valueOf(rs.getString(3)),
                                rs.getString(4) == null ? null : Instant.parse(rs.getString(4)), rs.getLong(5),
                                telemetry == null ? null : Json.mapper().readValue(telemetry,
                                        org.rts.protocol.message.Telemetry.class), offset,
                                List.of(Json.mapper().readValue(flags, String[].class)));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new SQLException("unreadable unit health of " + rs.getString(1), e);
                    }
                });
    }

    /** One row of the log of everything received, as an export writes it; {@code body} may be null. */
    public record InboundRow(long id, String receivedAt, String topic, String device, String hash, int size,
                             byte[] body, String status, byte[] receipt) {
    }

    /** Takes the log's rows one at a time, so an export never holds them all in memory. */
    public interface InboundSink {
        void accept(InboundRow row) throws java.io.IOException;
    }

    /** What an export commits to besides the log, read in the same transaction as the log. */
    public record Snapshot(Map<String, ChainPosition> heads, Map<String, Long> dropped, Map<String, Integer> turnout,
                           List<AcceptedResult> results) {
    }

    /**
     * Passes every received message to {@code sink} in arrival order and returns the chains' heads, the counts of
     * messages not kept and the accepted figures, all from one consistent view of the store: hubs may go on
     * writing meanwhile. An {@link java.io.IOException} from the sink ends the read and is thrown as it is.
     */
    public synchronized Snapshot snapshot(String election, InboundSink sink) throws java.io.IOException {
        java.io.IOException[] failed = new java.io.IOException[1];
        Snapshot snapshot = run("read the hub store for an export", c -> {
            dialect.beginSnapshot(c);
            try {
                try (PreparedStatement ps = c.prepareStatement("SELECT id, received_at, topic, device, msg_hash, size,"
                        + " body, status, receipt FROM inbound ORDER BY id")) {
                    ps.setFetchSize(500);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            sink.accept(new InboundRow(rs.getLong(1), rs.getString(2), rs.getString(3),
                                    rs.getString(4), rs.getString(5), rs.getInt(6), rs.getBytes(7), rs.getString(8),
                                    rs.getBytes(9)));
                        }
                    }
                }
                Map<String, ChainPosition> heads = new java.util.TreeMap<>();
                Map<String, Long> dropped = new java.util.TreeMap<>();
                Map<String, Integer> turnout = new java.util.TreeMap<>();
                List<AcceptedResult> results = new ArrayList<>();
                try (Statement st = c.createStatement()) {
                    try (ResultSet rs = st.executeQuery("SELECT device, seq, msg_hash FROM heads WHERE seq > 0")) {
                        while (rs.next()) {
                            heads.put(rs.getString(1), new ChainPosition(rs.getLong(2), rs.getString(3)));
                        }
                    }
                    try (ResultSet rs = st.executeQuery("SELECT device, dropped FROM unchained WHERE dropped > 0")) {
                        while (rs.next()) {
                            dropped.put(rs.getString(1), rs.getLong(2));
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT station, max_voters FROM stations WHERE"
                        + " election = ? AND max_voters >= 0")) {
                    ps.setString(1, election);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            turnout.put(rs.getString(1), rs.getInt(2));
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT " + RESULT_COLUMNS
                        + " FROM results WHERE election = ? ORDER BY station, race")) {
                    ps.setString(1, election);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            results.add(acceptedResult(rs));
                        }
                    }
                }
                return new Snapshot(heads, dropped, turnout, results);
            } catch (java.io.IOException e) {
                failed[0] = e;
                return null;
            } finally {
                dialect.endSnapshot(c);
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        return snapshot;
    }

    @Override
    public synchronized void close() {
        discard();
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on the connection; on any error drops the connection so the next call starts afresh. */
    private <T> T run(String what, Work<T> work) {
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

    private PreparedStatement statement(Connection c, String sql) throws SQLException {
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

    private static String json(Collection<String> values) {
        try {
            return Json.mapper().writeValueAsString(values);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String codes(List<Finding> findings) {
        return findings.stream().map(Finding::code).collect(Collectors.joining(" "));
    }

    private static AcceptedResult acceptedResult(ResultSet rs) throws SQLException {
        String votes = rs.getString(8);
        List<Integer> list = votes.isEmpty() ? List.of()
                : Arrays.stream(votes.split(",")).map(Integer::valueOf).toList();
        String warnings = rs.getString(10);
        return new AcceptedResult(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                rs.getInt(6), rs.getInt(7), list, rs.getString(9),
                warnings.isEmpty() ? List.of() : List.of(warnings.split(" ")));
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> Optional<T> queryOne(String sql, Row<T> row, Object... args) {
        List<T> all = queryAll(sql, row, args);
        return all.isEmpty() ? Optional.empty() : Optional.ofNullable(all.get(0));
    }

    private <T> List<T> queryAll(String sql, Row<T> row, Object... args) {
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

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                ps.setNull(i + 1, java.sql.Types.NULL);
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }
}
