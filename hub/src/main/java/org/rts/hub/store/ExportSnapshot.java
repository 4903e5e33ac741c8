package org.rts.hub.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.rts.hub.intake.AcceptedResult;
import org.rts.protocol.message.ChainPosition;

/**
 * What an observer export reads: the log of everything received and, from the same consistent view, what the log
 * commits to. A connection of its own, opened for one export, so the intake goes on meanwhile.
 */
public final class ExportSnapshot implements AutoCloseable {
    private final Database db;

    private ExportSnapshot(Database db) {
        this.db = db;
    }

    public static ExportSnapshot open(String location) {
        return new ExportSnapshot(Database.open(location));
    }

    /** One row of the log of everything received, as an export writes it; {@code body} may be null. */
    public record InboundRow(long id, String receivedAt, String topic, String device, String hash, int size,
                             byte[] body, String status, byte[] receipt, String path) {
    }

    /** Takes the log's rows one at a time, so an export never holds them all in memory. */
    public interface InboundSink {
        void accept(InboundRow row) throws IOException;
    }

    /**
     * Takes each receipt log: its last signed head, then its leaves in order, each its hash and the receipt it
     * logs ({@code null} for a leaf written before the store kept receipts).
     */
    public interface LogSink {
        void log(String log, String head) throws IOException;

        void leaf(byte[] hash, byte[] receipt) throws IOException;
    }

    /** What an export commits to besides the log, read in the same transaction as the log. */
    public record Snapshot(Map<String, ChainPosition> heads, Map<String, Long> dropped, Map<String, Integer> turnout,
                           List<AcceptedResult> results) {
    }

    /**
     * Passes every received message to {@code sink} in arrival order and returns the chains' heads, the counts of
     * messages not kept and the accepted figures, all from one consistent view of the store: hubs may go on
     * writing meanwhile. An {@link IOException} from the sink ends the read and is thrown as it is.
     */
    public synchronized Snapshot read(String election, InboundSink sink) throws IOException {
        return read(election, sink, new LogSink() {
            @Override
            public void log(String log, String head) {
            }

            @Override
            public void leaf(byte[] hash, byte[] receipt) {
            }
        });
    }

    /** As {@link #read(String, InboundSink)}, and passes every receipt log to {@code logs}, from the same view. */
    public synchronized Snapshot read(String election, InboundSink sink, LogSink logs) throws IOException {
        IOException[] failed = new IOException[1];
        Snapshot snapshot = db.run("read the hub store for an export", c -> {
            db.dialect().beginSnapshot(c);
            try {
                // a chained message's bytes and receipt are in its chain row only (a withheld body: jws empty)
                try (PreparedStatement ps = c.prepareStatement("SELECT i.id, i.received_at, i.topic, i.device,"
                        + " i.msg_hash, i.size, i.body, i.status, i.receipt, c.path, c.jws, c.receipt FROM inbound i"
                        + " LEFT JOIN chain c ON c.msg_hash = i.msg_hash ORDER BY i.id")) {
                    ps.setFetchSize(500);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            byte[] body = rs.getBytes(7);
                            byte[] receipt = rs.getBytes(9);
                            if (receipt.length == 0) { // the chained message's row: the rest is in chain
                                String jws = rs.getString(11);
                                body = jws == null || jws.isEmpty() ? null : jws.getBytes(StandardCharsets.US_ASCII);
                                byte[] chained = rs.getBytes(12);
                                receipt = chained != null ? chained : receipt; // no chain row: the verifier says so
                            }
                            sink.accept(new InboundRow(rs.getLong(1), rs.getString(2), rs.getString(3),
                                    rs.getString(4), rs.getString(5), rs.getInt(6), body, rs.getString(8),
                                    receipt, rs.getString(10)));
                        }
                    }
                }
                readLogs(c, logs);
                Map<String, ChainPosition> heads = new TreeMap<>();
                Map<String, Long> dropped = new TreeMap<>();
                Map<String, Integer> turnout = new TreeMap<>();
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
                try (PreparedStatement ps = c.prepareStatement("SELECT " + ResultStore.RESULT_COLUMNS
                        + " FROM results WHERE election = ? ORDER BY station, race")) {
                    ps.setString(1, election);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            results.add(ResultStore.acceptedResult(rs));
                        }
                    }
                }
                return new Snapshot(heads, dropped, turnout, results);
            } catch (IOException e) {
                failed[0] = e;
                return null;
            } finally {
                db.dialect().endSnapshot(c);
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        return snapshot;
    }

    private static void readLogs(Connection c, LogSink logs) throws SQLException, IOException {
        Map<String, String> last = new TreeMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT h.log, h.head FROM"
                + " receipt_heads h WHERE h.size = (SELECT MAX(size) FROM receipt_heads WHERE log = h.log)")) {
            while (rs.next()) {
                last.put(rs.getString(1), rs.getString(2));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT l.leaf_hash, r.leaf FROM receipt_log l LEFT JOIN"
                + " receipt_leaves r ON r.log = l.log AND r.idx = l.idx WHERE l.log = ? ORDER BY l.idx")) {
            ps.setFetchSize(10_000);
            for (var e : last.entrySet()) {
                logs.log(e.getKey(), e.getValue());
                ps.setString(1, e.getKey());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        logs.leaf(rs.getBytes(1), rs.getBytes(2));
                    }
                }
            }
        }
    }

    /** Receives the kept photos of the forms, one at a time. */
    public interface PhotoSink {
        void photo(String sha256, byte[] jpeg) throws IOException;
    }

    /** Passes each kept photo of {@code shas} to {@code sink}, one at a time (a nation's never sit in memory). */
    public void photos(Collection<String> shas, PhotoSink sink) throws IOException {
        for (String sha : shas) {
            Optional<byte[]> jpeg = db.queryOne("SELECT data FROM photos WHERE sha = ?", rs -> rs.getBytes(1), sha);
            if (jpeg.isPresent()) {
                sink.photo(sha, jpeg.get());
            }
        }
    }

    /** What the operations room did about its alerts, who and when, oldest first (for the export). */
    public List<UnitStore.ActionRow> alertActions() {
        return db.queryAll("SELECT rule, subject, opened, at, user_name, action, detail FROM alert_actions ORDER BY"
                + " at, rule, subject", rs -> new UnitStore.ActionRow(rs.getString(1), rs.getString(2),
                java.time.Instant.parse(rs.getString(3)), java.time.Instant.ofEpochMilli(rs.getLong(4)),
                rs.getString(5), rs.getString(6), rs.getString(7)));
    }

    /** The hand-count audit's selection and hand counts (the audit's own store over this connection). */
    public AuditStore audit() {
        return AuditStore.over(db);
    }

    @Override
    public synchronized void close() {
        db.close();
    }
}
