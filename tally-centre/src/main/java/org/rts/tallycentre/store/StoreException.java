package org.rts.tallycentre.store;

import org.rts.tallycentre.TallyCentreException;

/** The store of received messages cannot be opened, read or written; the message names the file or the statement. */
public final class StoreException extends TallyCentreException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
