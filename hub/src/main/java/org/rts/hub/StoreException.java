package org.rts.hub;

/**
 * The store could not read or write. {@link #transientFault()} is true when the cause lies with the disk or the
 * database (full, I/O error, locked, unreachable) rather than with the message: the same write is worth retrying
 * once the cause is gone.
 */
public class StoreException extends HubException {
    private final boolean transientFault;

    public StoreException(String message, boolean transientFault, Throwable cause) {
        super(message, cause);
        this.transientFault = transientFault;
    }

    public boolean transientFault() {
        return transientFault;
    }
}
