package org.rts.hub.validation;

import org.rts.hub.registry.RegisteredDevice;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Report;

/** A message whose signature, certificate, device, election, mode and station binding all checked out. */
public record Authenticated(RegisteredDevice device, Report report, Jws jws, String hash) {
}
