package org.rts.protocol.message;

/** Whether an election (and every message of it) is the real one or a rehearsal. */
public enum Mode {
    LIVE,
    DRILL
}
