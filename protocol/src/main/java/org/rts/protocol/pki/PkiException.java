package org.rts.protocol.pki;

import org.rts.protocol.ProtocolException;

/** A key or certificate that cannot be read, or that fails a check; the message says which file and what to do. */
public class PkiException extends ProtocolException {
    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
