package org.rts.hub.store;

/** The last message of a device's chain: sequence 0 and an empty hash before its first message. */
public record ChainHead(long seq, String hash) {
    public static final ChainHead EMPTY = new ChainHead(0, "");
}
