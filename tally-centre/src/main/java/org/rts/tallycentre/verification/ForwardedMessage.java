package org.rts.tallycentre.verification;

/**
 * What a hub forwards for each accepted message: the device's JWS exactly as the hub received it and the hub's
 * receipt, so that the tally centre can verify both without trusting the hub; {@code idempotencyKey} is the message
 * hash (base64url SHA-256 of {@code jws}), the same however often the message is delivered.
 */
public record ForwardedMessage(String idempotencyKey, String election, String kind, String device, String station,
                               String jws, String receipt) {
}
