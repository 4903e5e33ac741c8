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
 * @param sessionExpiry how long the broker keeps the hub's session, queueing device messages, while the hub is
 *                      down (default 7 days, 0..2^32-1 s)
 */
public record HubConfig(ElectionFiles election, String brokerUrl, Path store, String clientId, int queueCapacity,
                        java.time.Duration sessionExpiry) {
    public static final int DEFAULT_QUEUE = 10_000;
    public static final java.time.Duration DEFAULT_SESSION_EXPIRY = java.time.Duration.ofDays(7);

    public HubConfig {
        if (election == null) {
            throw new IllegalArgumentException("election directory is required");
        }
        DeviceConfig.requireBrokerUrl("broker", brokerUrl);
        store = store != null ? store : election.dir().resolve("hub.db");
        if (queueCapacity < 1 || queueCapacity > 1_000_000) {
            throw new IllegalArgumentException("queueCapacity must be 1..1000000, found: " + queueCapacity);
        }
        sessionExpiry = sessionExpiry != null ? sessionExpiry : DEFAULT_SESSION_EXPIRY;
        if (sessionExpiry.isNegative() || sessionExpiry.getSeconds() > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("sessionExpiry must be 0..4294967295 s, found: " + sessionExpiry);
        }
    }
}
