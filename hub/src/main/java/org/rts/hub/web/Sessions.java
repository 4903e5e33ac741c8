package org.rts.hub.web;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.rts.hub.store.SessionStore;

/**
 * Where sessions are kept: in the hub's store, so that a hub restarted keeps its signed-in operators and the page
 * reconnects by itself. Only a hash of each session's token is kept.
 */
public interface Sessions {
    void open(String tokenHash, String user, Instant until);

    /** The session's user, when the session exists and has not run out at {@code now}. */
    Optional<String> user(String tokenHash, Instant now);

    default boolean valid(String tokenHash, Instant now) {
        return user(tokenHash, now).isPresent();
    }

    void close(String tokenHash);

    /** Sessions kept in memory only (they end with the process). */
    static Sessions inMemory() {
        record Held(String user, Instant until) {
        }
        Map<String, Held> map = new ConcurrentHashMap<>();
        return new Sessions() {
            @Override
            public void open(String tokenHash, String user, Instant until) {
                map.put(tokenHash, new Held(user, until));
            }

            @Override
            public Optional<String> user(String tokenHash, Instant now) {
                Held held = map.get(tokenHash);
                return held == null || now.isAfter(held.until()) ? Optional.empty() : Optional.of(held.user());
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
            public Optional<String> user(String tokenHash, Instant now) {
                return store.user(tokenHash, now);
            }

            @Override
            public void close(String tokenHash) {
                store.close(tokenHash);
            }
        };
    }
}
