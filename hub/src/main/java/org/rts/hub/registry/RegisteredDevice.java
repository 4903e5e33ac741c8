package org.rts.hub.registry;

import java.time.Instant;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.rts.protocol.files.Registry;

/** An enrolled device as the hub needs it on the per-message path: its binding and its verified public key. */
public record RegisteredDevice(String deviceId, String electionId, String stationId, String thumbprint,
                               ECPublicKeyParameters publicKey, Registry.Status status, Instant notBefore,
                               Instant notAfter) {
    public boolean validAt(Instant now) {
        return !now.isBefore(notBefore) && !now.isAfter(notAfter);
    }
}
