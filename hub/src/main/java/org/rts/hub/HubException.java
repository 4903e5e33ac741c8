package org.rts.hub;

/** Base of the hub's own errors (configuration, store, broker); the message says what failed and what to do. */
public class HubException extends RuntimeException {
    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
