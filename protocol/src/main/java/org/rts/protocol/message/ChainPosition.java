package org.rts.protocol.message;

/**
 * A place in a device's chain of messages: sequence number and the hash of the message there. The hub's head for a
 * device before its first message is {@link #START}: sequence 0 and an empty hash.
 */
public record ChainPosition(long seq, String msg) {
    public static final ChainPosition START = new ChainPosition(0, "");

    public ChainPosition {
        if (seq < 0 || msg == null || (seq == 0) != msg.isEmpty()) {
            throw new IllegalArgumentException("a chain position has seq >= 0 and a message hash exactly when"
                    + " seq > 0, found: seq " + seq + ", msg '" + msg + "'");
        }
    }
}
