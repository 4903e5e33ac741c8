package org.rts.agent.transmission;

import org.rts.agent.AgentException;

/**
 * The broker refused this unit's certificate (revoked, unknown, expired) or its identity: not a network fault, and
 * waiting will not mend it. The officer must call the technician.
 */
public class BrokerRefusedException extends AgentException {
    public BrokerRefusedException(String message) {
        super(message);
    }
}
