package org.rts.hub.validation;

import java.util.Optional;
import org.rts.hub.registry.RegisteredDevice;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Report;

/**
 * A message whose signature, certificate, device, topic, election, mode and station binding all checked out.
 * {@code standing} is set when the certificate is revoked or outside its validity now: such a message is still
 * known to come from its device (an identical resend of an earlier decision gets its receipt again) but is not
 * taken as new.
 */
public record Authenticated(RegisteredDevice device, Report report, Jws jws, String hash,
                            Optional<Rejection> standing) {
}
