package org.rts.protocol.message;

import java.time.Instant;
import org.rts.protocol.Ids;

/**
 * A unit's connection: {@code ONLINE} when it connects (its birth message), {@code OFFLINE} when it leaves
 * cleanly, {@code LOST} as its MQTT will, which the broker publishes when the connection dies. The will is signed
 * when the unit connects, with the same {@code session}, so the hub matches a death to its session and tells a
 * stale will from a fresh one.
 */
public record Presence(int v, String election, Mode mode, String device, String station, long session, Instant at,
                       State state) {
    public enum State {
        ONLINE,
        OFFLINE,
        LOST
    }

    public Presence {
        if (v != Report.VERSION) {
            throw new IllegalArgumentException("v must be " + Report.VERSION + ", found: " + v);
        }
        Ids.require("election", election);
        Ids.require("device", device);
        Ids.require("station", station);
        if (mode == null || at == null || state == null) {
            throw new IllegalArgumentException("mode, at and state are required");
        }
        if (session < 1) {
            throw new IllegalArgumentException("session must be >= 1, found: " + session);
        }
    }
}
