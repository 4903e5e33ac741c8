package org.rts.agent.workflow;

import org.rts.agent.AgentException;

/** The officer entered a report that is already waiting in the outbox; nothing new was signed. */
public class DuplicateReportException extends AgentException {
    public DuplicateReportException(String message) {
        super(message);
    }
}
