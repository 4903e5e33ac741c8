package org.rts.protocol.message;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a device signs and sends. Every report carries the device's sequence number (1, 2, 3, ... with no gap) and
 * the hash of its previous message ({@code prev}, empty for the first), so the hub sees any gap, replay or fork.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = TurnoutReport.class, name = "turnout"),
        @JsonSubTypes.Type(value = ResultReport.class, name = "result"),
        @JsonSubTypes.Type(value = RestartReport.class, name = "restart")})
public sealed interface Report permits TurnoutReport, ResultReport, RestartReport {
    int VERSION = 1;
    /** A result bound to the photo of its paper form ({@link ResultReport#photo}); every other report stays at 1. */
    int PHOTO_VERSION = 2;

    int v();

    String election();

    Mode mode();

    String device();

    String station();

    long seq();

    String prev();

    /** The topic kind this report travels under: {@code turnout}, {@code result} or {@code restart}. */
    String kind();

    /** The time the device put on the report (of the count, of the close, of the restart). */
    java.time.Instant reportedAt();

    /** The same report at another place in the device's chain (to be signed again there). */
    Report withPosition(long seq, String prev);

    static void validateHeader(int v, String election, Mode mode, String device, String station, long seq,
                               String prev) {
        if (v != VERSION && v != PHOTO_VERSION) {
            throw new IllegalArgumentException("v must be " + VERSION + " or " + PHOTO_VERSION + ", found: " + v);
        }
        org.rts.protocol.Ids.require("election", election);
        org.rts.protocol.Ids.require("device", device);
        org.rts.protocol.Ids.require("station", station);
        if (mode == null) {
            throw new IllegalArgumentException("mode must be LIVE or DRILL, found: null");
        }
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be >= 1, found: " + seq);
        }
        if (prev == null || (seq == 1) != prev.isEmpty() || prev.length() > 64) {
            throw new IllegalArgumentException("prev must be empty exactly for seq 1 and a message hash otherwise,"
                    + " found: '" + prev + "' at seq " + seq);
        }
    }
}
