package org.rts.tallycentre.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the tally centre received, in SQLite (WAL, synchronous FULL: a message answered is on disk): one row per
 * idempotency key with the message, the hub's receipt, when it first arrived and how many copies came. Methods are
 * synchronized; one connection serves every thread.
 */
public final class ReceivedStore implements AutoCloseable {
    private final Connection db;

    private ReceivedStore(Connection db) {
        this.db = db;
    }

    /** Opens {@code file}, creating it and its table when missing. */
    public static ReceivedStore open(Path file) {
        try {
            Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("CREATE TABLE IF NOT EXISTS received (key TEXT PRIMARY KEY, kind TEXT NOT NULL, device TEXT"
                        + " NOT NULL, station TEXT NOT NULL, jws TEXT NOT NULL, receipt TEXT NOT NULL, first_at TEXT"
                        + " NOT NULL, copies INTEGER NOT NULL)");
            }
            return new ReceivedStore(db);
        } catch (SQLException e) {
            throw new StoreException("cannot open the receiver's store " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Keeps a message under {@code key}: the first copy is stored with {@code at}, a later one only counted. Returns
     * whether this was the first copy.
     */
    public synchronized boolean keep(String key, String kind, String device, String station, String jws,
                                     String receipt, Instant at) {
        try (PreparedStatement update = db.prepareStatement("UPDATE received SET copies = copies + 1 WHERE key = ?")) {
            update.setString(1, key);
            if (update.executeUpdate() == 1) {
                return false;
            }
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO received (key, kind, device, station, jws,"
                    + " receipt, first_at, copies) VALUES (?,?,?,?,?,?,?,1)")) {
                insert.setString(1, key);
                insert.setString(2, kind);
                insert.setString(3, device);
                insert.setString(4, station);
                insert.setString(5, jws);
                insert.setString(6, receipt);
                insert.setString(7, at.toString());
                insert.executeUpdate();
            }
            return true;
        } catch (SQLException e) {
            throw new StoreException("cannot store: " + e.getMessage(), e);
        }
    }

    /** Copies received per idempotency key, in the order the keys first arrived. */
    public synchronized Map<String, Integer> copies() {
        Map<String, Integer> map = new LinkedHashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT key, copies FROM received"
                + " ORDER BY first_at, key")) {
            while (rs.next()) {
                map.put(rs.getString(1), rs.getInt(2));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the receiver's store: " + e.getMessage(), e);
        }
        return map;
    }

    /** The messages of {@code kind} kept, in the order they first arrived. */
    public synchronized java.util.List<String> jws(String kind) {
        java.util.List<String> list = new java.util.ArrayList<>();
        try (java.sql.PreparedStatement s = db.prepareStatement("SELECT jws FROM received WHERE kind = ? ORDER BY"
                + " first_at, key")) {
            s.setString(1, kind);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    list.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the receiver's store: " + e.getMessage(), e);
        }
        return list;
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException ignored) {
            // nothing left to write
        }
    }
}
