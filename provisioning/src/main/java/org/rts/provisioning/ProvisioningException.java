package org.rts.provisioning;

/** A provisioning step that cannot go ahead; the message says why and what to do next. */
public class ProvisioningException extends RuntimeException {
    public ProvisioningException(String message) {
        super(message);
    }
}
