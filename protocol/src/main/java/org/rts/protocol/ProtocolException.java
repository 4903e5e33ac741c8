package org.rts.protocol;

/** Base of every error the protocol module raises; subtypes carry the evidence (reason code, field, value). */
public class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
