package org.rts.protocol.message;

/**
 * Warnings the hub adds to an accepted message besides the reconciliation warnings: the message counts, and is
 * flagged for operations to look at.
 */
public enum Warning {
    /** The same figures again under a new sequence number; counted once. */
    DUPLICATE_RESULT,
    /** The time on the report is ahead of the hub's clock by more than the election's warning tolerance. */
    CLOCK_AHEAD,
    /** The device restarted its chain (lost outbox, or a chain that went apart from the hub's); to be reviewed. */
    CHAIN_RESTART
}
