package org.rts.provisioning.revocation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.rts.protocol.files.Registry;
import org.rts.provisioning.ProvisioningException;
import org.rts.provisioning.election.ElectionAuthority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shuts a unit out: its certificate goes on the CRL (the broker refuses it once restarted with the new CRL) and
 * its registry entry is marked, which the hub picks up within seconds and answers {@code DEVICE_REVOKED}.
 */
public final class Revocation {
    private static final Logger LOG = LoggerFactory.getLogger(Revocation.class);

    private final ElectionAuthority authority;

    public Revocation(ElectionAuthority authority) {
        this.authority = authority;
    }

    /** Revokes a lost or stolen unit's certificate. */
    public void revoke(String deviceId) {
        withdraw(deviceId, Registry.Status.REVOKED);
        LOG.warn("device {} revoked", deviceId);
    }

    /**
     * Revokes the unit's certificate and deletes its bundle from the election directory. A unit already revoked
     * (lost, then found broken) is marked decommissioned; its certificate stays on the CRL.
     */
    public void decommission(String deviceId) {
        Registry registry = authority.registry();
        if (registry.active(deviceId).isEmpty() && registry.known(deviceId)) {
            authority.save(registry.changeLatest(deviceId, e -> e.status() == Registry.Status.DECOMMISSIONED ? e
                    : e.withdrawn(Registry.Status.DECOMMISSIONED, e.revokedAt())));
        } else {
            withdraw(deviceId, Registry.Status.DECOMMISSIONED);
        }
        Path bundle = authority.files().bundle(deviceId).dir();
        if (Files.exists(bundle)) {
            try (Stream<Path> paths = Files.walk(bundle)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new ProvisioningException("device " + deviceId + " is revoked, but its bundle " + bundle
                        + " could not be deleted: " + e.getMessage());
            }
        }
        LOG.warn("device {} decommissioned", deviceId);
    }

    private void withdraw(String deviceId, Registry.Status status) {
        Registry registry = authority.registry();
        if (registry.active(deviceId).isEmpty()) {
            throw new ProvisioningException(registry.known(deviceId)
                    ? "device " + deviceId + " has no active certificate: nothing to revoke"
                    : "device " + deviceId + " was never enrolled in " + registry.election() + ": check the id");
        }
        authority.save(registry.changeActive(deviceId, e -> e.withdrawn(status, authority.clock().instant())));
    }
}
