package org.rts.hub.registry;

import java.time.Instant;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.rts.protocol.files.Registry;

/**
 * An enrolled device's certificate as the hub needs it on the per-message path: its binding, its verified public
 * key, its registry status and whether the CA's revocation list names it.
 */
public record RegisteredDevice(String deviceId, String electionId, String stationId, String thumbprint,
                               ECPublicKeyParameters publicKey, Registry.Status status, boolean onCrl,
                               Instant notBefore, Instant notAfter) {
    public boolean validAt(Instant now) {
        return !now.isBefore(notBefore) && !now.isAfter(notAfter);
    }

    /** Withdrawn in the registry or listed on the CRL: either one is enough. */
    public boolean revoked() {
        return status != Registry.Status.ACTIVE || onCrl;
    }

    /** Why it is revoked, for the rejection's detail. */
    public String revocation() {
        return status != Registry.Status.ACTIVE ? status.name() : "on the election CA's revocation list";
    }
}
