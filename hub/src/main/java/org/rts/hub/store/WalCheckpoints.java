package org.rts.hub.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the write-ahead log of a {@link MessageStore} in SQLite (a single hub's) into the database file from a
 * thread of its own, every {@link #EVERY_MILLIS}, so that the intake's commits do not stop for it and a page that
 * many commits of the interval changed is copied once. Each connection still copies the log itself once it holds
 * {@link Dialect#BACKSTOP_PAGES} pages (when this falls behind, or where no hub runs it, as in a tool), which also
 * lets the log start over from its beginning during a long burst. PostgreSQL needs none of this.
 */
final class WalCheckpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalCheckpoints.class);
    /** Often enough that each checkpoint's flush of the database file stays short beside the commits' own. */
    static final long EVERY_MILLIS = 100;
    private static final long RETRY_MILLIS = 5_000;

    private final Database db;
    private final Thread thread = new Thread(this::work, "hub-wal-checkpoints");
    private volatile boolean running = true;

    private WalCheckpoints(Database db) {
        this.db = db;
        thread.setDaemon(true);
    }

    /** Starts copying the log of the store at {@code location}; null for PostgreSQL, which has nothing to copy. */
    static WalCheckpoints start(String location) {
        if (Dialect.of(location) != Dialect.SQLITE) {
            return null;
        }
        WalCheckpoints checkpoints = new WalCheckpoints(Database.open(location));
        checkpoints.thread.start();
        return checkpoints;
    }

    private void work() {
        String failing = null;
        while (running) {
            try {
                // failing (a full disk): tried again less often, each time on a connection opened afresh
                Thread.sleep(failing == null ? EVERY_MILLIS : RETRY_MILLIS);
                db.queryOne("PRAGMA wal_checkpoint(PASSIVE)", rs -> rs.getInt(1));
                failing = null;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the connections' own checkpoints keep the log bounded meanwhile
                if (!String.valueOf(e.getMessage()).equals(failing)) {
                    LOG.warn("cannot copy the write-ahead log of {} into it: {}", db.location(), e.getMessage());
                    failing = String.valueOf(e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        db.close();
    }
}
