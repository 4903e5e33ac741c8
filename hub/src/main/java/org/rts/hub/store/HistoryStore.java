package org.rts.hub.store;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the room's charts draw: the units' telemetry through the day (a bounded number of points per unit), each
 * unit's battery log, and the room's own figures sampled through the day (units by state, turnout, results). Rows
 * only; a connection of its own, so drawing a chart never waits on the intake.
 */
public final class HistoryStore implements AutoCloseable {
    private final Database db;

    private HistoryStore(Database db) {
        this.db = db;
    }

    public static HistoryStore open(String location) {
        return new HistoryStore(Database.open(location));
    }

    /** A unit's telemetry at {@code at} (the hub's time): battery in whole percent; null where not reported. */
    public record Point(String device, Instant at, Integer battery, Boolean mains, Boolean charging, Integer signal,
                        int pending) {
    }

    /** One of the room's figures ({@code series}, e.g. {@code units.ONLINE}) at {@code at}. */
    public record Figure(String series, Instant at, long value) {
    }

    /** Keeps units' points and their battery logs (JSON, by device), in one transaction. */
    public synchronized void save(Collection<Point> points, Map<String, String> batteries) {
        if (points.isEmpty() && batteries.isEmpty()) {
            return;
        }
        db.run("store the units' history", c -> {
            db.dialect().begin(c);
            PreparedStatement ps = db.statement(c, "INSERT INTO unit_points (device, at, battery, mains, charging,"
                    + " signal, pending) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
            for (Point p : points) {
                Database.bind(ps, p.device(), p.at().toEpochMilli(), p.battery(), bit(p.mains()), bit(p.charging()),
                        p.signal(), p.pending());
                ps.addBatch();
            }
            ps.executeBatch();
            PreparedStatement logs = db.statement(c, "INSERT INTO unit_battery (device, log) VALUES (?,?) ON CONFLICT"
                    + " (device) DO UPDATE SET log = excluded.log");
            for (Map.Entry<String, String> e : batteries.entrySet()) {
                Database.bind(logs, e.getKey(), e.getValue());
                logs.addBatch();
            }
            logs.executeBatch();
            db.dialect().commit(c);
            return null;
        });
    }

    public synchronized void saveFigures(Collection<Figure> figures) {
        if (figures.isEmpty()) {
            return;
        }
        db.run("store the room's figures", c -> {
            db.dialect().begin(c);
            PreparedStatement ps = db.statement(c, "INSERT INTO room_points (series, at, value) VALUES (?,?,?) ON"
                    + " CONFLICT DO NOTHING");
            for (Figure f : figures) {
                Database.bind(ps, f.series(), f.at().toEpochMilli(), f.value());
                ps.addBatch();
            }
            ps.executeBatch();
            db.dialect().commit(c);
            return null;
        });
    }

    /** One unit's points since {@code from}, oldest first. */
    public synchronized List<Point> points(String device, Instant from) {
        return db.queryAll("SELECT device, at, battery, mains, charging, signal, pending FROM unit_points WHERE device"
                + " = ? AND at >= ? ORDER BY at", rs -> new Point(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
                integer(rs, 3), bool(integer(rs, 4)), bool(integer(rs, 5)), integer(rs, 6), rs.getInt(7)),
                device, from.toEpochMilli());
    }

    /** Every unit's battery log as stored (JSON), by device. */
    public synchronized Map<String, String> batteries() {
        Map<String, String> logs = new HashMap<>();
        db.queryAll("SELECT device, log FROM unit_battery", rs -> new String[] {rs.getString(1), rs.getString(2)})
                .forEach(row -> logs.put(row[0], row[1]));
        return logs;
    }

    /** The room's figures since {@code from}, oldest first. */
    public synchronized List<Figure> figures(Instant from) {
        return db.queryAll("SELECT series, at, value FROM room_points WHERE at >= ? ORDER BY at, series", rs ->
                new Figure(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getLong(3)), from.toEpochMilli());
    }

    /** Forgets units' points older than {@code units} and figures older than {@code room}; battery logs stay. */
    public synchronized void prune(Instant units, Instant room) {
        db.run("prune the history", c -> {
            db.dialect().begin(c);
            for (var table : Map.of("unit_points", units, "room_points", room).entrySet()) {
                PreparedStatement ps = db.statement(c, "DELETE FROM " + table.getKey() + " WHERE at < ?");
                Database.bind(ps, table.getValue().toEpochMilli());
                ps.executeUpdate();
            }
            db.dialect().commit(c);
            return null;
        });
    }

    private static Integer integer(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Integer bit(Boolean b) {
        return b == null ? null : b ? 1 : 0;
    }

    private static Boolean bool(Integer i) {
        return i == null ? null : i != 0;
    }

    @Override
    public synchronized void close() {
        db.close();
    }
}
