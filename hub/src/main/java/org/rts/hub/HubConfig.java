package org.rts.hub;

import java.nio.file.Path;
import org.rts.protocol.files.DeviceConfig;
import org.rts.protocol.files.ElectionFiles;

/**
 * The hub's settings.
 *
 * @param election      election directory written by provisioning (ballot, CA certificate, hub key, registry)
 * @param brokerUrl     broker to subscribe at, {@code tcp://host:port} or {@code ssl://host:port}
 * @param store         SQLite database file (default {@code <election>/hub.db})
 * @param clientId      MQTT client id; keep it stable so the broker keeps the hub's session (default
 *                      {@code rts-hub-<election id>})
 * @param queueCapacity messages waiting for processing before the broker is pushed back (default 10000, 1..1000000)
 */
public record HubConfig(ElectionFiles election, String brokerUrl, Path store, String clientId, int queueCapacity) {
    public static final int DEFAULT_QUEUE = 10_000;

    public HubConfig {
        if (election == null) {
            throw new IllegalArgumentException("election directory is required");
        }
        DeviceConfig.requireBrokerUrl("broker", brokerUrl);
        store = store != null ? store : election.dir().resolve("hub.db");
        if (queueCapacity < 1 || queueCapacity > 1_000_000) {
            throw new IllegalArgumentException("queueCapacity must be 1..1000000, found: " + queueCapacity);
        }
    }
}
