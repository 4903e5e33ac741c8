package org.rts.hub.store;

import java.time.Instant;

/**
 * The operations room's sessions, by the hash of their token (the token itself is never stored). A connection of
 * its own: a sign-in, or a request with any cookie, never touches the intake's connection.
 */
public final class SessionStore implements AutoCloseable {
    private final Database db;

    private SessionStore(Database db) {
        this.db = db;
    }

    public static SessionStore open(String location) {
        return new SessionStore(Database.open(location));
    }

    public synchronized void open(String tokenHash, String user, Instant until) {
        db.update("open an operations room session", "INSERT INTO ops_sessions (token_hash, user_name, until)"
                + " VALUES (?,?,?)", tokenHash, user, until.toEpochMilli());
    }

    /** True when a session with this token hash exists and has not run out at {@code now}. */
    public synchronized boolean valid(String tokenHash, Instant now) {
        return user(tokenHash, now).isPresent();
    }

    /** The user of the session with this token hash, when it exists and has not run out at {@code now}. */
    public synchronized java.util.Optional<String> user(String tokenHash, Instant now) {
        return db.queryOne("SELECT user_name, until FROM ops_sessions WHERE token_hash = ?", rs -> rs.getLong(2)
                >= now.toEpochMilli() ? rs.getString(1) : null, tokenHash);
    }

    public synchronized void close(String tokenHash) {
        db.update("close an operations room session", "DELETE FROM ops_sessions WHERE token_hash = ?", tokenHash);
    }

    @Override
    public synchronized void close() {
        db.close();
    }
}
