package org.rts.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rts.hub.intake.Decision;

/**
 * A batch's share of the per-unit bound on the bodies of chained messages rejected on content
 * ({@link MessageStore#REJECTED_BODIES}, {@link MessageStore#REJECTED_BODY_BYTES}): read for the units of the
 * batch's rejections in its transaction, brought up to date message after message, written with the batch.
 */
final class RejectedBodies {
    /** A unit's counts: kept, bytes kept, withheld, bytes withheld, and when the first was withheld. */
    private record Counts(String station, long kept, long keptBytes, long withheld, long withheldBytes,
                          String since) {
    }

    private final Map<String, Counts> counts;
    private final Map<String, Counts> changed = new LinkedHashMap<>();
    private String last;

    private RejectedBodies(Map<String, Counts> counts) {
        this.counts = counts;
    }

    /** What the store holds for the units whose chained messages {@code decisions} reject (no query if none). */
    static RejectedBodies read(Database db, Connection c, List<Decision> decisions) throws SQLException {
        List<String> devices = decisions.stream().filter(RejectedBodies::applies).map(Decision::deviceId).distinct()
                .toList();
        Map<String, Counts> counts = new HashMap<>();
        if (devices.isEmpty()) {
            return new RejectedBodies(counts);
        }
        PreparedStatement s = db.statement(c, "SELECT device, station, kept, kept_bytes, withheld, withheld_bytes,"
                + " since FROM rejected_bodies WHERE device IN " + db.dialect().in());
        s.setString(1, Database.json(devices));
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), new Counts(rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getString(7)));
            }
        }
        return new RejectedBodies(counts);
    }

    /** A chained message rejected on content: its body counts against its unit's bound. */
    private static boolean applies(Decision d) {
        return !d.resend() && d.report() != null && !d.accepted();
    }

    /**
     * Whether {@code d}'s body is kept: always for an accepted or unchained message, for a chained rejection while
     * its unit is within the bound. Counts it.
     */
    boolean keep(Decision d) {
        if (!applies(d)) {
            return true;
        }
        int size = d.bytes().length;
        Counts c = counts.getOrDefault(d.deviceId(), new Counts(d.report().station(), 0, 0, 0, 0, null));
        boolean keep = c.kept() < MessageStore.REJECTED_BODIES && c.keptBytes() + size
                <= MessageStore.REJECTED_BODY_BYTES;
        Counts next = keep ? new Counts(d.report().station(), c.kept() + 1, c.keptBytes() + size, c.withheld(),
                c.withheldBytes(), c.since())
                : new Counts(d.report().station(), c.kept(), c.keptBytes(), c.withheld() + 1, c.withheldBytes() + size,
                        c.since() != null ? c.since() : d.receivedAt().toString());
        counts.put(d.deviceId(), next);
        changed.put(d.deviceId(), next);
        last = d.receivedAt().toString();
        return keep;
    }

    /** Writes the counts the batch changed. */
    void write(Database db, Connection c) throws SQLException {
        if (changed.isEmpty()) {
            return;
        }
        PreparedStatement w = db.statement(c, "INSERT INTO rejected_bodies (device, station, kept, kept_bytes,"
                + " withheld, withheld_bytes, since, last_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (device) DO UPDATE"
                + " SET station = excluded.station, kept = excluded.kept, kept_bytes = excluded.kept_bytes,"
                + " withheld = excluded.withheld, withheld_bytes = excluded.withheld_bytes, since = excluded.since,"
                + " last_at = excluded.last_at");
        for (var e : changed.entrySet()) {
            Counts n = e.getValue();
            Database.bind(w, e.getKey(), n.station(), n.kept(), n.keptBytes(), n.withheld(), n.withheldBytes(),
                    n.since(), last);
            w.addBatch();
        }
        w.executeBatch();
    }
}
