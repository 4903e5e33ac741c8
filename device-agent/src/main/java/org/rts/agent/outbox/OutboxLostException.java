package org.rts.agent.outbox;

import org.rts.agent.AgentException;

/** The outbox file is missing, empty or unreadable: the unit must not quietly start a new chain. */
public class OutboxLostException extends AgentException {
    public OutboxLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
