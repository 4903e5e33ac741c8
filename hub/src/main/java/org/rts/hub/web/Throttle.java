package org.rts.hub.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Sign-in attempts counted per key (a user name, an address) in a window that starts with the first: after
 * {@code limit} attempts the key waits out the rest of its window. At most {@code maxKeys} keys are kept; when full,
 * keys not yet at their limit are forgotten first.
 */
final class Throttle {
    private final int limit;
    private final Duration window;
    private final int maxKeys;
    private final Clock clock;
    private final Map<String, Window> windows = new HashMap<>();

    private record Window(Instant start, int attempts) {
    }

    Throttle(int limit, Duration window, int maxKeys, Clock clock) {
        if (limit < 1 || window.isNegative() || window.isZero() || maxKeys < 1) {
            throw new IllegalArgumentException("a throttle needs limit >= 1, a window > 0 and maxKeys >= 1, found: "
                    + limit + ", " + window + ", " + maxKeys);
        }
        this.limit = limit;
        this.window = window;
        this.maxKeys = maxKeys;
        this.clock = clock;
    }

    /** Counts an attempt for {@code key} and answers zero; or, when {@code key} is at its limit, how long it waits. */
    synchronized Duration take(String key) {
        Instant now = clock.instant();
        Window w = windows.get(key);
        if (w != null && now.isBefore(w.start.plus(window))) {
            if (w.attempts >= limit) {
                return Duration.between(now, w.start.plus(window));
            }
            windows.put(key, new Window(w.start, w.attempts + 1));
            return Duration.ZERO;
        }
        if (w == null && windows.size() >= maxKeys) {
            windows.values().removeIf(x -> !now.isBefore(x.start.plus(window)) || x.attempts < limit);
            if (windows.size() >= maxKeys) {
                return window; // every key kept is waiting: so does a new one
            }
        }
        windows.put(key, new Window(now, 1));
        return Duration.ZERO;
    }

    /** Takes back one attempt of {@code key} (it turned out right, or was never made). */
    synchronized void forgive(String key) {
        Window w = windows.get(key);
        if (w != null) {
            windows.put(key, new Window(w.start, Math.max(0, w.attempts - 1)));
        }
    }

    /** Forgets {@code key}'s attempts. */
    synchronized void clear(String key) {
        windows.remove(key);
    }
}
