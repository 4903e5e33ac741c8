package org.rts.hub.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Photo;
import org.rts.protocol.message.ResultReport;

/**
 * The photos of the signed forms, kept by the SHA-256 the unit signed into a result, and the pieces of those still
 * arriving (from the start of the photo, without a gap). A photo is kept whole or not at all: its pieces are
 * joined, hashed and stored in one transaction that drops them.
 */
public final class PhotoStore implements AutoCloseable {
    private final Database db;

    private PhotoStore(Database db) {
        this.db = db;
    }

    public static PhotoStore open(String location) {
        return new PhotoStore(Database.open(location));
    }

    /** A photo a chained result of a unit names: the station and race it is the form of. */
    public record Named(String device, String station, String race, Photo photo) {
    }

    /** The photos the chained results of {@code device} name (accepted or rejected: both are evidence). */
    public synchronized List<Named> named(String device) {
        List<Named> named = new ArrayList<>();
        for (String jws : db.queryAll("SELECT jws FROM chain WHERE device = ? AND kind = ?", rs -> rs.getString(1),
                device, Topics.RESULT)) {
            photoOf(jws).ifPresent(r -> named.add(new Named(device, r.station(), r.race(), r.photo())));
        }
        return named;
    }

    /** The photo a signed result binds, when it has one (v2 with a photo taken). */
    public static Optional<ResultReport> photoOf(String jws) {
        return result(jws).filter(r -> r.photo() != null && r.photo().taken());
    }

    /** The result a stored chained message is (empty for another kind of report). */
    private static Optional<ResultReport> result(String jws) {
        try {
            return MessageCodec.decodeReport(Jws.parse(jws.getBytes(StandardCharsets.US_ASCII)).payload())
                    instanceof ResultReport r ? Optional.of(r) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty(); // a stored chained message is well formed
        }
    }

    /** Whether the photo of {@code sha} is kept. */
    public synchronized boolean kept(String sha) {
        return db.queryOne("SELECT 1 FROM photos WHERE sha = ?", rs -> true, sha).isPresent();
    }

    /** Bytes held of {@code device}'s photo {@code sha}, from its start. */
    public synchronized long held(String device, String sha) {
        return db.queryOne("SELECT COALESCE(SUM(LENGTH(data)), 0) FROM photo_parts WHERE device = ? AND sha = ?",
                rs -> rs.getLong(1), device, sha).orElse(0L);
    }

    /** Bytes held of {@code device}'s unfinished photos other than {@code sha}. */
    public synchronized long heldOther(String device, String sha) {
        return db.queryOne("SELECT COALESCE(SUM(LENGTH(data)), 0) FROM photo_parts WHERE device = ? AND sha <> ?",
                rs -> rs.getLong(1), device, sha).orElse(0L);
    }

    /** Stores one piece at {@code pos}; a piece already there (two hubs hearing the same edge) is kept as is. */
    public synchronized void addPart(String device, String sha, long pos, byte[] data) {
        db.update("store a piece of a photo", "INSERT INTO photo_parts (device, sha, pos, data) VALUES (?,?,?,?)"
                + " ON CONFLICT (device, sha, pos) DO NOTHING", device, sha, pos, data);
    }

    /** The pieces of {@code device}'s photo {@code sha} joined in order. */
    public synchronized byte[] joined(String device, String sha) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        db.queryAll("SELECT data FROM photo_parts WHERE device = ? AND sha = ? ORDER BY pos", rs -> {
            out.writeBytes(rs.getBytes(1));
            return null;
        }, device, sha);
        return out.toByteArray();
    }

    /** Keeps the whole photo and drops its pieces, in one transaction. */
    public synchronized void keep(Named named, byte[] jpeg, Instant at) {
        db.run("keep a photo", c -> {
            db.dialect().begin(c);
            PreparedStatement put = db.statement(c, "INSERT INTO photos (sha, device, station, size, data,"
                    + " received_at) VALUES (?,?,?,?,?,?) ON CONFLICT (sha) DO NOTHING");
            Database.bind(put, named.photo().sha256(), named.device(), named.station(), jpeg.length, jpeg,
                    at.toString());
            put.executeUpdate();
            deleteParts(c, named.device(), named.photo().sha256());
            db.dialect().commit(c);
            return null;
        });
    }

    /** Drops what is held of an unfinished photo (its bytes did not match). */
    public synchronized void dropParts(String device, String sha) {
        db.run("drop the pieces of a photo", c -> {
            db.dialect().begin(c);
            deleteParts(c, device, sha);
            db.dialect().commit(c);
            return null;
        });
    }

    private void deleteParts(java.sql.Connection c, String device, String sha) throws java.sql.SQLException {
        PreparedStatement drop = db.statement(c, "DELETE FROM photo_parts WHERE device = ? AND sha = ?");
        Database.bind(drop, device, sha);
        drop.executeUpdate();
    }

    /** The kept photo's bytes. */
    public synchronized Optional<byte[]> photo(String sha) {
        return db.queryOne("SELECT data FROM photos WHERE sha = ?", rs -> rs.getBytes(1), sha);
    }

    /** A station's accepted result as its unit signed it, and whether the photo it names has arrived. */
    public record StationResult(ResultReport report, boolean photoKept, String path) {
    }

    /** The accepted results of {@code station}, by race, each with the way it came. */
    public synchronized List<StationResult> ofStation(String election, String station) {
        List<StationResult> results = new ArrayList<>();
        for (String[] row : db.queryAll("SELECT c.jws, c.path FROM results r JOIN chain c ON c.msg_hash ="
                + " r.msg_hash WHERE r.election = ? AND r.station = ?"
                + " ORDER BY r.race", rs -> new String[] {rs.getString(1), rs.getString(2)}, election, station)) {
            result(row[0]).ifPresent(r -> results.add(new StationResult(r, r.photo() != null && r.photo().taken()
                    && kept(r.photo().sha256()), row[1])));
        }
        return results;
    }

    @Override
    public synchronized void close() {
        db.close();
    }
}
