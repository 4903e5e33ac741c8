package org.rts.tallycentre.mqtt;

import org.rts.tallycentre.TallyCentreException;

/** The tally centre's broker could not be reached or refused the connection; {@code reasonCode} is Paho's. */
public final class BrokerException extends TallyCentreException {
    private final String url;
    private final int reasonCode;

    public BrokerException(String url, int reasonCode, String message, Throwable cause) {
        super(message, cause);
        this.url = url;
        this.reasonCode = reasonCode;
    }

    public String url() {
        return url;
    }

    public int reasonCode() {
        return reasonCode;
    }
}
