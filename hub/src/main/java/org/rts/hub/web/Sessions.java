package org.rts.hub.web;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.rts.hub.store.SessionStore;

/**
 * Where sessions are kept: in the hub's store, so that a hub restarted keeps its signed-in operators and the page
 * reconnects by itself. Only a hash of each session's token is kept.
 */
public interface Sessions {
    void open(String tokenHash, String user, Instant until);

    boolean valid(String tokenHash, Instant now);

    void close(String tokenHash);

    /** Sessions kept in memory only (they end with the process). */
    static Sessions inMemory() {
        Map<String, Instant> map = new ConcurrentHashMap<>();
        return new Sessions() {
            @Override
            public void open(String tokenHash, String user, Instant until) {
                map.put(tokenHash, until);
            }

            @Override
            public boolean valid(String tokenHash, Instant now) {
                Instant until = map.get(tokenHash);
                return until != null && !now.isAfter(until);
            }

            @Override
            public void close(String tokenHash) {
                map.remove(tokenHash);
            }
        };
    }

    /** Sessions kept in the hub's store, so a restarted hub keeps its signed-in operators. */
    static Sessions stored(SessionStore store) {
        return new Sessions() {
            @Override
            public void open(String tokenHash, String user, Instant until) {
                store.open(tokenHash, user, until);
            }

            @Override
            public boolean valid(String tokenHash, Instant now) {
                return store.valid(tokenHash, now);
            }

            @Override
            public void close(String tokenHash) {
                store.close(tokenHash);
            }
        };
    }
}
