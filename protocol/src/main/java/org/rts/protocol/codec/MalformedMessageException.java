package org.rts.protocol.codec;

import org.rts.protocol.ProtocolException;
import org.rts.protocol.message.Reason;

/** Bytes that are not a well-formed message; {@link #reason()} is the code the hub answers with. */
public class MalformedMessageException extends ProtocolException {
    private final Reason reason;

    public MalformedMessageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
