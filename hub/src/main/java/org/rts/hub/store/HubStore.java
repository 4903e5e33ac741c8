package org.rts.hub.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.rts.hub.HubException;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;

/**
 * The hub's durable store: an embedded SQLite database in WAL mode with {@code synchronous=FULL}, so a commit has
 * reached the disk before a receipt is published. Every message received is kept ({@code inbound}), with what was
 * answered; messages that joined a device's chain are in {@code chain}; accepted figures in {@code results} and
 * {@code turnout}. One connection, used by one thread at a time.
 */
public final class HubStore implements AutoCloseable {
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS inbound (
              id INTEGER PRIMARY KEY, received_at TEXT NOT NULL, topic TEXT NOT NULL, device TEXT NOT NULL,
              msg_hash TEXT NOT NULL, size INTEGER NOT NULL, body BLOB, status TEXT NOT NULL, reasons TEXT NOT NULL,
              receipt TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS inbound_hash ON inbound (msg_hash);
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
            CREATE TABLE IF NOT EXISTS turnout (
              election TEXT NOT NULL, station TEXT NOT NULL, at TEXT NOT NULL, voters INTEGER NOT NULL,
              device TEXT NOT NULL, msg_hash TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS turnout_station ON turnout (election, station);
            """;

    private final Connection db;

    private HubStore(Connection db) {
        this.db = db;
    }

    public static HubStore open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA busy_timeout=5000");
                for (String ddl : SCHEMA.split(";")) {
                    if (!ddl.isBlank()) {
                        s.execute(ddl);
                    }
                }
            }
            db.setAutoCommit(false);
            db.commit();
            return new HubStore(db);
        } catch (SQLException | java.io.IOException e) {
            throw new HubException("cannot open hub store " + file + ": " + e.getMessage(), e);
        }
    }

    /** The receipt already given to a message that joined a chain, for an identical resend. */
    public synchronized Optional<byte[]> chainedReceipt(String hash) {
        return queryOne("SELECT receipt FROM chain WHERE msg_hash = ?", rs -> rs.getBytes(1), hash);
    }

    public synchronized ChainHead head(String device) {
        return queryOne("SELECT seq, msg_hash FROM chain WHERE device = ? ORDER BY seq DESC LIMIT 1",
                rs -> new ChainHead(rs.getLong(1), rs.getString(2)), device).orElse(ChainHead.EMPTY);
    }

    /** The highest accepted turnout figure of a station so far. */
    public synchronized OptionalInt maxTurnout(String election, String station) {
        Optional<Integer> max = queryOne("SELECT MAX(voters) FROM turnout WHERE election = ? AND station = ?",
                rs -> rs.getObject(1) == null ? null : rs.getInt(1), election, station);
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

    /** Latest accepted turnout per station (by time of day reported), station id to voters. */
    public synchronized Map<String, Integer> turnout(String election) {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (Object[] row : queryAll("SELECT station, MAX(voters) FROM turnout WHERE election = ? GROUP BY station"
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

    /** Logs the arrival of a message already decided; the receipt it got before is sent again. */
    public synchronized void saveResend(String topic, String device, String hash, byte[] bytes, byte[] receipt,
                                        java.time.Instant receivedAt) {
        try {
            exec("INSERT INTO inbound (received_at, topic, device, msg_hash, size, body, status, reasons, receipt)"
                    + " VALUES (?,?,?,?,?,?,?,?,?)", receivedAt.toString(), topic, device, hash, bytes.length, bytes,
                    "RESEND", "", receipt);
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw new HubException("cannot log resend of " + hash + " from " + device + ": " + e.getMessage(), e);
        }
    }

    /** Writes one decision in one transaction; returns only once it is on disk. */
    public synchronized void save(Decision d) {
        String reasons = codes(d.reasons());
        String now = d.receivedAt().toString();
        try {
            exec("INSERT INTO inbound (received_at, topic, device, msg_hash, size, body, status, reasons, receipt)"
                    + " VALUES (?,?,?,?,?,?,?,?,?)", now, d.topic(), d.deviceId(), d.hash(), d.bytes().length,
                    d.bytes().length <= 65536 ? d.bytes() : null, d.accepted() ? "ACCEPTED" : "REJECTED", reasons,
                    d.receipt());
            if (d.report() != null) {
                var r = d.report();
                String race = r instanceof ResultReport rr ? rr.race() : null;
                exec("INSERT INTO chain (device, seq, msg_hash, prev, kind, election, station, race, status, reasons,"
                        + " warnings, jws, receipt, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        r.device(), r.seq(), d.hash(), r.prev(), r.kind(), r.election(), r.station(), race,
                        d.accepted() ? "ACCEPTED" : "REJECTED", reasons, codes(d.warnings()),
                        new String(d.bytes(), java.nio.charset.StandardCharsets.US_ASCII), d.receipt(), now);
                if (d.accepted() && r instanceof ResultReport rr) {
                    // the key (election, station, race) keeps the first accepted result; a same-figures repeat
                    // is accepted by intake but changes nothing here
                    exec("INSERT INTO results (election, station, race, device, msg_hash, registered, received,"
                            + " unused, spoiled, in_box, invalid, votes, figures, warnings, accepted_at)"
                            + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                            + " ON CONFLICT (election, station, race) DO NOTHING", rr.election(), rr.station(), rr.race(),
                            rr.device(), d.hash(), rr.registered(), rr.received(), rr.unused(), rr.spoiled(),
                            rr.inBox(), rr.invalid(), rr.votes().stream().map(String::valueOf)
                                    .collect(Collectors.joining(",")), rr.figures(), codes(d.warnings()), now);
                }
                if (d.accepted() && r instanceof TurnoutReport t) {
                    exec("INSERT INTO turnout (election, station, at, voters, device, msg_hash) VALUES (?,?,?,?,?,?)",
                            t.election(), t.station(), t.at().toString(), t.voters(), t.device(), d.hash());
                }
            }
            db.commit();
        } catch (SQLException e) {
            rollback();
            throw new HubException("cannot store message " + d.hash() + " from " + d.deviceId() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new HubException("cannot close hub store: " + e.getMessage(), e);
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

    private void exec(String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
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
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            bind(ps, args);
            List<T> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(row.read(rs));
                }
            }
            db.commit();
            return list;
        } catch (SQLException e) {
            rollback();
            throw new HubException("hub store query failed: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    private void rollback() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the original error is the one worth reporting
        }
    }
}
