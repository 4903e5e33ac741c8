package org.rts.tallycentre;

/** Base of the tally centre's own errors (store, broker, server); the message says what failed and what to do. */
public class TallyCentreException extends RuntimeException {
    public TallyCentreException(String message) {
        super(message);
    }

    public TallyCentreException(String message, Throwable cause) {
        super(message, cause);
    }
}
