package org.rts.hub.store;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.rts.protocol.codec.Json;

/**
 * The units' latest health and the operations room's alerts, kept so that a restarted hub shows what it showed
 * before. Rows only: the units feature turns them into its own values. A connection of its own, so the room and
 * the units' health never wait on the intake.
 */
public final class UnitStore implements AutoCloseable {
    private final Database db;

    private UnitStore(Database db) {
        this.db = db;
    }

    public static UnitStore open(String location) {
        return new UnitStore(Database.open(location));
    }

    /** A unit's health as stored; {@code telemetry} is the JSON of its latest telemetry, or null. */
    public record UnitRow(String device, String station, String state, Instant lastSeen, long session,
                          String telemetry, Long clockOffset, List<String> flags) {
    }

    /** An alert as stored, named by its rule, subject and opening time; {@code closed} null while it is open. */
    public record AlertRow(String rule, String subject, String station, String detail, Instant since,
                           Instant opened, Instant closed) {
    }

    /** Keeps the units' latest health (one transaction for all of them). */
    public synchronized void saveUnits(Collection<UnitRow> changed) {
        if (changed.isEmpty()) {
            return;
        }
        db.run("store the units' health", c -> {
            db.dialect().begin(c);
            PreparedStatement ps = db.statement(c, "INSERT INTO units (device, station, state, last_seen, session,"
                    + " telemetry, clock_offset, flags) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (device) DO UPDATE SET"
                    + " station = excluded.station, state = excluded.state, last_seen = excluded.last_seen, session ="
                    + " excluded.session, telemetry = excluded.telemetry, clock_offset = excluded.clock_offset,"
                    + " flags = excluded.flags");
            for (UnitRow u : changed) {
                Database.bind(ps, u.device(), u.station(), u.state(), text(u.lastSeen()), u.session(), u.telemetry(),
                        u.clockOffset(), Database.json(u.flags()));
                ps.addBatch();
            }
            ps.executeBatch();
            db.dialect().commit(c);
            return null;
        });
    }

    /** The units' health as last stored, by device. */
    public synchronized List<UnitRow> units() {
        return db.queryAll("SELECT device, station, state, last_seen, session, telemetry, clock_offset, flags FROM"
                + " units ORDER BY device", rs -> {
                    try {
                        return new UnitRow(rs.getString(1), rs.getString(2), rs.getString(3),
                                instant(rs.getString(4)), rs.getLong(5), rs.getString(6),
                                rs.getObject(7) == null ? null : rs.getLong(7),
                                List.of(Json.mapper().readValue(rs.getString(8), String[].class)));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new java.sql.SQLException("unreadable flags of unit " + rs.getString(1), e);
                    }
                });
    }

    /** Records alerts opened or closed. */
    public synchronized void saveAlerts(Collection<AlertRow> changed) {
        if (changed.isEmpty()) {
            return;
        }
        db.run("store the alerts", c -> {
            db.dialect().begin(c);
            PreparedStatement ps = db.statement(c, "INSERT INTO alerts (rule, subject, station, detail, since,"
                    + " opened, closed) VALUES (?,?,?,?,?,?,?) ON CONFLICT (rule, subject, opened) DO UPDATE SET"
                    + " closed = excluded.closed, detail = excluded.detail");
            for (AlertRow a : changed) {
                Database.bind(ps, a.rule(), a.subject(), a.station(), a.detail(), text(a.since()), text(a.opened()),
                        text(a.closed()));
                ps.addBatch();
            }
            ps.executeBatch();
            db.dialect().commit(c);
            return null;
        });
    }

    /** Alerts, the open ones first then the history, newest first; {@code openOnly} for the open ones. */
    public synchronized List<AlertRow> alerts(boolean openOnly) {
        return db.queryAll("SELECT rule, subject, station, detail, since, opened, closed FROM alerts"
                + (openOnly ? " WHERE closed IS NULL" : "") + " ORDER BY closed IS NOT NULL, opened DESC", rs ->
                new AlertRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        instant(rs.getString(5)), instant(rs.getString(6)), instant(rs.getString(7))));
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static Instant instant(String s) {
        return s == null ? null : Instant.parse(s);
    }

    /**
     * Something done about an alert (named by its rule, subject and opening), by whom and when: {@code action} is
     * {@code ACK}, {@code ASSIGN} (detail: to whom), {@code NOTE} (detail: the text) or {@code ESCALATED} (by the hub).
     */
    public record ActionRow(String rule, String subject, Instant opened, Instant at, String user, String action,
                            String detail) {
    }

    public synchronized void saveAction(ActionRow a) {
        db.update("keep an action on an alert", "INSERT INTO alert_actions (rule, subject, opened, at, user_name,"
                + " action, detail) VALUES (?,?,?,?,?,?,?)", a.rule(), a.subject(), a.opened().toString(),
                a.at().toEpochMilli(), a.user(), a.action(), a.detail());
    }

    /** Every action on the alerts, oldest first. */
    public synchronized List<ActionRow> actions() {
        return db.queryAll("SELECT rule, subject, opened, at, user_name, action, detail FROM alert_actions ORDER BY"
                + " at, rule, subject", rs -> new ActionRow(rs.getString(1), rs.getString(2),
                Instant.parse(rs.getString(3)), Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5), rs.getString(6),
                rs.getString(7)));
    }

    @Override
    public synchronized void close() {
        db.close();
    }
}
