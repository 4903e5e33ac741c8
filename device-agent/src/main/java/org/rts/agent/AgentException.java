package org.rts.agent;

/** Base of the agent's errors; the message says what failed and what the officer or technician can do. */
public class AgentException extends RuntimeException {
    public AgentException(String message) {
        super(message);
    }

    public AgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
