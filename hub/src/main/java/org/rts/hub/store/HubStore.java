package org.rts.hub.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.RestartReport;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;
import org.sqlite.SQLiteException;

/**
 * The hub's durable store: an embedded SQLite database in WAL mode with {@code synchronous=FULL}, so a commit has
 * reached the disk before a receipt is published. Every message received is kept ({@code inbound}), with what was
 * answered; messages that joined a device's chain are in {@code chain} (accepted turnout among them); accepted
 * results in {@code results}, the highest turnout per station in {@code station_turnout}.
 *
 * <p>Messages left out of the chain (failed authentication, wrong sequence) are kept in full up to
 * {@link #UNCHAINED_BODIES} per device, then as hash and size up to {@link #UNCHAINED_ROWS}, then only counted in
 * {@code unchained}: one misbehaving unit cannot fill the disk.
 *
 * <p>After any error the connection is closed and the next call opens a fresh one, so a transaction SQLite already
 * rolled back (full disk, I/O error) never leaves the store stuck. One connection, used by one thread at a time.
 */
public final class HubStore implements AutoCloseable {
    /** Unchained messages per device kept with their bytes. */
    public static final int UNCHAINED_BODIES = 100;
    /** Unchained messages per device kept as a row (hash, size, answer) at all. */
    public static final int UNCHAINED_ROWS = 1000;

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS inbound (
              id INTEGER PRIMARY KEY, received_at TEXT NOT NULL, topic TEXT NOT NULL, device TEXT NOT NULL,
              msg_hash TEXT NOT NULL, size INTEGER NOT NULL, body BLOB, status TEXT NOT NULL, reasons TEXT NOT NULL,
              receipt TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS inbound_hash ON inbound (msg_hash);
            CREATE INDEX IF NOT EXISTS inbound_device ON inbound (device);
            CREATE TABLE IF NOT EXISTS chain (
              device TEXT NOT NULL, seq INTEGER NOT NULL, msg_hash TEXT NOT NULL UNIQUE, prev TEXT NOT NULL,
              kind TEXT NOT NULL, election TEXT NOT NULL, station TEXT NOT NULL, race TEXT, status TEXT NOT NULL,
              reasons TEXT NOT NULL, warnings TEXT NOT NULL, jws TEXT NOT NULL, receipt TEXT NOT NULL,
              received_at TEXT NOT NULL, PRIMARY KEY (device, seq));
            CREATE TABLE IF NOT EXISTS results (
              election TEXT NOT NULL, station TEXT NOT NULL, race TEXT NOT NULL, device TEXT NOT NULL,
              msg_hash TEXT NOT NULL, registered INTEGER NOT NULL, received INTEGER NOT NULL,
              unused INTEGER NOT NULL, spoiled INTEGER NOT NULL, in_box INTEGER NOT NULL, invalid INTEGER NOT NULL,
              votes TEXT NOT NULL, figures TEXT NOT NULL, warnings TEXT NOT NULL, accepted_at TEXT NOT NULL,
              PRIMARY KEY (election, station, race));
            CREATE TABLE IF NOT EXISTS station_turnout (
              election TEXT NOT NULL, station TEXT NOT NULL, max_voters INTEGER NOT NULL,
              PRIMARY KEY (election, station));
            CREATE TABLE IF NOT EXISTS unchained (
              device TEXT PRIMARY KEY, stored INTEGER NOT NULL, dropped INTEGER NOT NULL, dropped_bytes INTEGER NOT NULL,
              last_at TEXT NOT NULL)
            """;

    /** SQLite primary result codes that say the disk or the database is at fault, not the statement. */
    private static final Set<Integer> TRANSIENT = Set.of(5, 6, 7, 8, 10, 11, 13, 14, 15, 26);

    private final Path file;
    private Connection db;

    private HubStore(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    public static HubStore open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create the folder of hub store " + file + ": " + e.getMessage(), true,
                    e);
        }
        HubStore store = new HubStore(file, null);
        store.connection();
        return store;
    }

    public Path file() {
        return file;
    }

    private Connection connection() throws StoreException {
        if (db != null) {
            return db;
        }
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=5000");
                for (String ddl : SCHEMA.split(";")) {
                    if (!ddl.isBlank()) {
                        s.execute(ddl);
                    }
                }
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            c.setAutoCommit(false);
            db = c;
            return c;
        } catch (SQLException e) {
            throw failure("cannot open hub store " + file, e);
        }
    }

    /** Checks the store can be read and written now: a probe for the hub's health report. */
    public synchronized void check() {
        run("check the hub store", c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT COUNT(*) FROM unchained");
            }
            return null;
        });
    }

    /** The receipt already given to a message that joined a chain, for an identical resend. */
    public synchronized Optional<byte[]> chainedReceipt(String hash) {
        return queryOne("SELECT receipt FROM chain WHERE msg_hash = ?", rs -> rs.getBytes(1), hash);
    }

    /** The device's last chained message, or {@link ChainPosition#START}. */
    public synchronized ChainPosition head(String device) {
        return queryOne("SELECT seq, msg_hash FROM chain WHERE device = ? ORDER BY seq DESC LIMIT 1",
                rs -> new ChainPosition(rs.getLong(1), rs.getString(2)), device).orElse(ChainPosition.START);
    }

    /** The highest accepted turnout figure of a station so far (a running maximum, not a scan). */
    public synchronized OptionalInt maxTurnout(String election, String station) {
        Optional<Integer> max = queryOne("SELECT max_voters FROM station_turnout WHERE election = ? AND station = ?",
                rs -> rs.getInt(1), election, station);
        return max.map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    public synchronized Optional<AcceptedResult> result(String election, String station, String race) {
        return queryOne("SELECT station, race, device, msg_hash, registered, in_box, invalid, votes, figures, warnings"
                + " FROM results WHERE election = ? AND station = ? AND race = ?", HubStore::acceptedResult,
                election, station, race);
    }

    public synchronized List<AcceptedResult> results(String election) {
        return queryAll("SELECT station, race, device, msg_hash, registered, in_box, invalid, votes, figures, warnings"
                + " FROM results WHERE election = ? ORDER BY station, race", HubStore::acceptedResult, election);
    }

    /** Latest accepted turnout per station, station id to voters. */
    public synchronized Map<String, Integer> turnout(String election) {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (Object[] row : queryAll("SELECT station, max_voters FROM station_turnout WHERE election = ?"
                + " ORDER BY station", rs -> new Object[] {rs.getString(1), rs.getInt(2)}, election)) {
            map.put((String) row[0], (Integer) row[1]);
        }
        return map;
    }

    /** One line per rejected chained message: kept for review, never counted. */
    public synchronized List<String> rejectedForReview(String election) {
        return queryAll("SELECT device, seq, station, COALESCE(race, ''), reasons FROM chain WHERE election = ?"
                + " AND status = 'REJECTED' ORDER BY received_at", rs -> rs.getString(1) + " seq " + rs.getLong(2)
                + " station " + rs.getString(3) + " " + rs.getString(4) + ": " + rs.getString(5), election);
    }

    /** One line per chain restart, to be reviewed: which unit, where in its chain, why. */
    public synchronized List<String> restarts(String election) {
        return queryAll("SELECT device, seq, station, jws, received_at FROM chain WHERE election = ? AND kind = ?"
                + " AND status = 'ACCEPTED' ORDER BY received_at", rs -> {
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

    /** Logs the arrival of a message already decided; the receipt it got before is sent again. */
    public synchronized void saveResend(String topic, String device, String hash, byte[] bytes, byte[] receipt,
                                        Instant receivedAt) {
        run("log resend of " + hash + " from " + device, c -> {
            exec(c, "INSERT INTO inbound (received_at, topic, device, msg_hash, size, body, status, reasons, receipt)"
                    + " VALUES (?,?,?,?,?,?,?,?,?)", receivedAt.toString(), topic, device, hash, bytes.length, bytes,
                    "RESEND", "", receipt);
            c.commit();
            return null;
        });
    }

    /** Writes one decision in one transaction; returns only once it is on disk. */
    public synchronized void save(Decision d) {
        run("store message " + d.hash() + " from " + d.deviceId(), c -> {
            write(c, d);
            c.commit();
            return null;
        });
    }

    private void write(Connection c, Decision d) throws SQLException {
        String reasons = codes(d.reasons());
        String now = d.receivedAt().toString();
        String status = d.accepted() ? "ACCEPTED" : "REJECTED";
        if (d.report() == null) {
            writeUnchained(c, d, reasons, now, status);
            return;
        }
        exec(c, "INSERT INTO inbound (received_at, topic, device, msg_hash, size, body, status, reasons, receipt)"
                + " VALUES (?,?,?,?,?,?,?,?,?)", now, d.topic(), d.deviceId(), d.hash(), d.bytes().length,
                d.bytes(), status, reasons, d.receipt());
        var r = d.report();
        String race = r instanceof ResultReport rr ? rr.race() : null;
        exec(c, "INSERT INTO chain (device, seq, msg_hash, prev, kind, election, station, race, status, reasons,"
                + " warnings, jws, receipt, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                r.device(), r.seq(), d.hash(), r.prev(), r.kind(), r.election(), r.station(), race, status, reasons,
                codes(d.warnings()), new String(d.bytes(), StandardCharsets.US_ASCII), d.receipt(), now);
        if (d.accepted() && r instanceof ResultReport rr) {
            // the key (election, station, race) keeps the first accepted result; a same-figures repeat is accepted
            // by intake but changes nothing here
            exec(c, "INSERT INTO results (election, station, race, device, msg_hash, registered, received,"
                    + " unused, spoiled, in_box, invalid, votes, figures, warnings, accepted_at)"
                    + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (election, station, race) DO NOTHING",
                    rr.election(), rr.station(), rr.race(), rr.device(), d.hash(), rr.registered(), rr.received(),
                    rr.unused(), rr.spoiled(), rr.inBox(), rr.invalid(), rr.votes().stream().map(String::valueOf)
                            .collect(Collectors.joining(",")), rr.figures(), codes(d.warnings()), now);
        }
        if (d.accepted() && r instanceof TurnoutReport t) {
            exec(c, "INSERT INTO station_turnout (election, station, max_voters) VALUES (?,?,?)"
                    + " ON CONFLICT (election, station) DO UPDATE SET max_voters = MAX(max_voters, excluded.max_voters)",
                    t.election(), t.station(), t.voters());
        }
    }

    private void writeUnchained(Connection c, Decision d, String reasons, String now, String status)
            throws SQLException {
        long stored;
        try (PreparedStatement ps = c.prepareStatement("SELECT stored FROM unchained WHERE device = ?")) {
            ps.setString(1, d.deviceId());
            try (ResultSet rs = ps.executeQuery()) {
                stored = rs.next() ? rs.getLong(1) : 0;
            }
        }
        if (stored < UNCHAINED_ROWS) {
            exec(c, "INSERT INTO inbound (received_at, topic, device, msg_hash, size, body, status, reasons, receipt)"
                    + " VALUES (?,?,?,?,?,?,?,?,?)", now, d.topic(), d.deviceId(), d.hash(), d.bytes().length,
                    stored < UNCHAINED_BODIES ? d.bytes() : null, status, reasons,
                    d.receipt());
        }
        boolean kept = stored < UNCHAINED_ROWS;
        exec(c, "INSERT INTO unchained (device, stored, dropped, dropped_bytes, last_at) VALUES (?,?,?,?,?)"
                + " ON CONFLICT (device) DO UPDATE SET stored = stored + excluded.stored,"
                + " dropped = dropped + excluded.dropped, dropped_bytes = dropped_bytes + excluded.dropped_bytes,"
                + " last_at = excluded.last_at", d.deviceId(), kept ? 1 : 0, kept ? 0 : 1,
                kept ? 0 : d.bytes().length, now);
    }

    @Override
    public synchronized void close() {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException e) {
                throw new StoreException("cannot close hub store " + file + ": " + e.getMessage(), false, e);
            } finally {
                db = null;
            }
        }
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

    private void discard() {
        Connection c = db;
        db = null;
        if (c != null) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // SQLite may have rolled back already (full disk): closing below discards what is left
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // the connection is dropped either way
            }
        }
    }

    private StoreException failure(String what, SQLException e) {
        int code = e instanceof SQLiteException se ? se.getResultCode().code & 0xFF : e.getErrorCode() & 0xFF;
        return new StoreException(what + " (" + file + "): " + e.getMessage(), TRANSIENT.contains(code), e);
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

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
        }
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
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, args);
                List<T> list = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        list.add(row.read(rs));
                    }
                }
                c.commit();
                return list;
            }
        });
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }
}
