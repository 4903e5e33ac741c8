package org.rts.hub.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.rts.hub.intake.AcceptedResult;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.RestartReport;

/**
 * What the hub decided, read: the chains' heads, the accepted figures, the log's counts, what awaits review. The
 * operations room and the tally read through a connection of their own, so they never wait on the intake; the
 * intake's {@link MessageStore} reads the same way. One connection, used by one thread at a time.
 */
public class ResultStore implements AutoCloseable {
    protected final Database db;

    ResultStore(Database db) {
        this.db = db;
    }

    /** Reads the store at {@code location}: a {@code jdbc:postgresql://...} URL, or an SQLite file. */
    public static ResultStore open(String location) {
        return new ResultStore(Database.open(location));
    }

    /** An SQLite store in {@code file}. */
    public static ResultStore open(Path file) {
        return open(file.toString());
    }

    /** Where the store is (a password in it is not shown). */
    public String location() {
        return db.location();
    }

    /** Checks the store can be read now: a probe for the hub's health report. */
    public synchronized void check() {
        db.run("check the hub store", c -> {
            db.statement(c, "SELECT COUNT(*) FROM unchained").executeQuery().close();
            return null;
        });
    }

    /**
     * Where the store writes, for a PostgreSQL store: the server this connection reached, whether it is a primary,
     * and its synchronous standbys as PostgreSQL names them (empty: none, a commit rests on this server's disk).
     *
     * @param replicated whether the store's URL names more than one server (a replicated database)
     */
    public record Replication(String server, boolean primary, String synchronousStandbys, boolean replicated) {
        /** A replicated store whose commits no standby confirms now. */
        public boolean unprotected() {
            return replicated && synchronousStandbys.isBlank();
        }
    }

    /** The database this store writes to now; empty for SQLite. */
    public synchronized Optional<Replication> replication() {
        if (db.dialect() != Dialect.POSTGRESQL) {
            return Optional.empty();
        }
        String hosts = location().substring("jdbc:postgresql://".length()).split("/", 2)[0];
        return db.queryOne("SELECT COALESCE(inet_server_addr()::text, 'local') || ':' || COALESCE("
                + "inet_server_port()::text, ''), NOT pg_is_in_recovery(), current_setting('synchronous_standby_names')",
                rs -> new Replication(rs.getString(1), rs.getBoolean(2), rs.getString(3), hosts.contains(",")));
    }

    /** The receipt already given to a message that joined a chain, for an identical resend. */
    public synchronized Optional<byte[]> chainedReceipt(String hash) {
        return db.queryOne("SELECT receipt FROM chain WHERE msg_hash = ?", rs -> rs.getBytes(1), hash);
    }

    /** The device's last chained message, or {@link ChainPosition#START}. */
    public synchronized ChainPosition head(String device) {
        return db.queryOne("SELECT seq, msg_hash FROM heads WHERE device = ? AND seq > 0",
                rs -> new ChainPosition(rs.getLong(1), rs.getString(2)), device).orElse(ChainPosition.START);
    }

    /** The highest accepted turnout figure of a station so far. */
    public synchronized OptionalInt maxTurnout(String election, String station) {
        Optional<Integer> max = db.queryOne("SELECT max_voters FROM stations WHERE election = ? AND station = ?"
                + " AND max_voters >= 0", rs -> rs.getInt(1), election, station);
        return max.map(OptionalInt::of).orElse(OptionalInt.empty());
    }

    static final String RESULT_COLUMNS = "station, race, device, msg_hash, registered, in_box, invalid,"
            + " votes, figures, warnings";

    public synchronized Optional<AcceptedResult> result(String election, String station, String race) {
        return db.queryOne("SELECT " + RESULT_COLUMNS + " FROM results WHERE election = ? AND station = ? AND race = ?",
                ResultStore::acceptedResult, election, station, race);
    }

    public synchronized List<AcceptedResult> results(String election) {
        return db.queryAll("SELECT " + RESULT_COLUMNS + " FROM results WHERE election = ? ORDER BY station, race",
                ResultStore::acceptedResult, election);
    }

    /** Latest accepted turnout per station, station id to voters. */
    public synchronized Map<String, Integer> turnout(String election) {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (Object[] row : db.queryAll("SELECT station, max_voters FROM stations WHERE election = ? AND max_voters"
                + " >= 0 ORDER BY station", rs -> new Object[] {rs.getString(1), rs.getInt(2)}, election)) {
            map.put((String) row[0], (Integer) row[1]);
        }
        return map;
    }

    /** Per station, its chained results rejected on content ({@code CONFLICT} counted apart): [rejected, conflicts]. */
    public synchronized Map<String, int[]> rejectedResults(String election) {
        Map<String, int[]> map = new java.util.TreeMap<>();
        for (Object[] row : db.queryAll("SELECT station, reasons FROM chain WHERE election = ? AND kind = 'result' AND"
                + " status = 'REJECTED'", rs -> new Object[] {rs.getString(1), rs.getString(2)}, election)) {
            int[] counts = map.computeIfAbsent((String) row[0], k -> new int[2]);
            counts[((String) row[1]).contains("CONFLICT") ? 1 : 0]++;
        }
        return map;
    }

    /** One line per rejected chained message: kept for review, never counted. */
    /** The units with at least one accepted report in {@code election} (a drill's test transmission). */
    public synchronized java.util.Set<String> devicesReported(String election) {
        return new java.util.HashSet<>(db.queryAll("SELECT DISTINCT device FROM chain WHERE election = ? AND status"
                + " = 'ACCEPTED'", rs -> rs.getString(1), election));
    }

    public synchronized List<String> rejectedForReview(String election) {
        return db.queryAll("SELECT device, seq, station, COALESCE(race, ''), reasons FROM chain WHERE election = ?"
                + " AND status = 'REJECTED' ORDER BY received_at, device, seq", rs -> rs.getString(1) + " seq "
                + rs.getLong(2) + " station " + rs.getString(3) + " " + rs.getString(4) + ": " + rs.getString(5),
                election);
    }

    /** One line per chain restart, to be reviewed: which unit, where in its chain, why. */
    public synchronized List<String> restarts(String election) {
        return db.queryAll("SELECT device, seq, station, jws, received_at FROM chain WHERE election = ? AND kind = ?"
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
        for (Object[] row : db.queryAll("SELECT status, COUNT(*) FROM inbound GROUP BY status ORDER BY status",
                rs -> new Object[] {rs.getString(1), rs.getInt(2)})) {
            map.put((String) row[0], (Integer) row[1]);
        }
        return map;
    }

    /** Rows of the log that repeat a message already in it (a copy decided again, e.g. after a sequence gap). */
    public synchronized long storedCopies() {
        return db.queryOne("SELECT COUNT(*) - COUNT(DISTINCT msg_hash) FROM inbound", rs -> rs.getLong(1)).orElse(0L);
    }

    /** Reason codes answered to a device's messages, oldest first (for operations and tests). */
    public synchronized List<String> inboundReasons(String device) {
        return db.queryAll("SELECT reasons FROM inbound WHERE device = ? ORDER BY id", rs -> rs.getString(1), device);
    }

    /** How much of what a device sent was not chained, and how much of it was kept. */
    public record Unchained(long rows, long bodies, long dropped, long droppedBytes) {
    }

    /** Unchained messages of a device: kept as rows, kept with their bytes, not kept at all (and their bytes). */
    public synchronized Unchained unchained(String device) {
        long[] counts = db.queryOne("SELECT stored, dropped, dropped_bytes FROM unchained WHERE device = ?",
                rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}, device).orElse(new long[3]);
        long bodies = db.queryOne("SELECT COUNT(*) FROM inbound WHERE device = ? AND status = 'REJECTED' AND body"
                + " IS NOT NULL AND msg_hash NOT IN (SELECT msg_hash FROM chain)", rs -> rs.getLong(1), device)
                .orElse(0L);
        return new Unchained(counts[0], bodies, counts[1], counts[2]);
    }

    /**
     * A unit's chained messages rejected on content, as the per-unit bound kept them: {@code kept} with their bytes
     * ({@code keptBytes} in all), {@code withheld} as hash, size and decision only ({@code withheldBytes} not kept),
     * the first withheld at {@code since} (null: none).
     */
    public record Withheld(String device, String station, long kept, long keptBytes, long withheld,
                           long withheldBytes, Instant since) {
    }

    private static final String WITHHELD_COLUMNS = "device, station, kept, kept_bytes, withheld, withheld_bytes,"
            + " since FROM rejected_bodies";

    /** What the bound kept and withheld of a unit's rejected chained messages. */
    public synchronized Withheld withheld(String device) {
        return db.queryOne("SELECT " + WITHHELD_COLUMNS + " WHERE device = ?", ResultStore::withheld, device)
                .orElse(new Withheld(device, "", 0, 0, 0, 0, null));
    }

    /** The units that passed the bound: some of their rejected chained messages' bodies were withheld. */
    public synchronized List<Withheld> withheld() {
        return db.queryAll("SELECT " + WITHHELD_COLUMNS + " WHERE withheld > 0 ORDER BY device",
                ResultStore::withheld);
    }

    private static Withheld withheld(ResultSet rs) throws SQLException {
        String since = rs.getString(7);
        return new Withheld(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), since == null ? null : Instant.parse(since));
    }
    @Override
    public synchronized void close() {
        db.close();
    }

    static AcceptedResult acceptedResult(ResultSet rs) throws SQLException {
        String votes = rs.getString(8);
        List<Integer> list = votes.isEmpty() ? List.of()
                : Arrays.stream(votes.split(",")).map(Integer::valueOf).toList();
        String warnings = rs.getString(10);
        return new AcceptedResult(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                rs.getInt(6), rs.getInt(7), list, rs.getString(9),
                warnings.isEmpty() ? List.of() : List.of(warnings.split(" ")));
    }


}
