package org.rts.hub;

import java.nio.file.Path;
import java.time.Duration;
import org.rts.hub.export.ExportSchedule;
import org.rts.hub.forward.Forwarding;
import org.rts.protocol.files.DeviceConfig;
import org.rts.protocol.files.ElectionFiles;

/**
 * The hub's settings.
 *
 * @param election      election directory written by provisioning (ballot, CA certificate and CRL, hub key, signed
 *                      registry)
 * @param brokerUrl     broker to subscribe at, {@code tcp://host:port} or {@code ssl://host:port}
 * @param store         where decisions are kept: a SQLite file (default {@code <election>/hub.db}) or a PostgreSQL
 *                      URL {@code jdbc:postgresql://host:port/db?user=..} that hubs sharing the work have in common
 * @param clientId      MQTT client id; keep it stable so the broker keeps the hub's session (default
 *                      {@code rts-hub-<election id>})
 * @param queueCapacity messages received and waiting for processing (default 200000, 1..1000000): room for what a
 *                      broker pushes at once when it ignores the hub's Receive Maximum (Mosquitto 2.0.11 does once
 *                      acknowledgements flow); only about a thousand are authenticated ahead of the ordered stage.
 *                      More are refused, stay unacknowledged, and come again after the hub reconnects
 * @param queueBytes    bytes of messages waiting for processing (default 256 MiB, at least 128 KiB)
 * @param sessionExpiry how long the broker keeps the hub's session, queueing device messages, while the hub is
 *                      down (default 7 days, 0..2^32-1 s)
 * @param rateBurst     messages one device may send at once before its rate limit applies (default 30, >= 1)
 * @param ratePerSecond messages a second one device may send after its burst (default 1.0, > 0)
 * @param healthFile    where the hub writes its health every few seconds (default {@code <store>.health.json},
 *                      {@code <election>/<client id>.health.json} with PostgreSQL)
 * @param shareGroup    MQTT v5 shared-subscription group: hubs with the same group and store split the devices'
 *                      messages (null: this hub takes them all)
 * @param forwarding    tally centres accepted messages are forwarded to (default none)
 * @param exports       observer exports written on a schedule and at stop (null: none)
 * @param reports       readiness reports written at start and on a schedule (null: none)
 * @param ops           the operations room's server (null: not served)
 * @param alerts        thresholds and durations of the operations room's alerts (default {@code Settings.DEFAULT})
 * @param kafka         national deployment: the reports come from Kafka, fed by one bridge per edge, and the
 *                      receipts go back through the edges; {@code brokerUrl} is then the first edge (null: the
 *                      reports come from the broker)
 */
public record HubConfig(ElectionFiles election, String brokerUrl, String store, String clientId, int queueCapacity,
                        long queueBytes, Duration sessionExpiry, int rateBurst, double ratePerSecond,
                        Path healthFile, String shareGroup, Forwarding forwarding, ExportSchedule exports,
                        org.rts.hub.web.OpsRoom ops, org.rts.hub.units.Alerts.Settings alerts,
                        org.rts.hub.kafka.KafkaFeed kafka, org.rts.hub.units.ReportSchedule reports) {
    public static final int DEFAULT_QUEUE = 200_000;
    public static final long DEFAULT_QUEUE_BYTES = 256L << 20;
    public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofDays(7);
    public static final int DEFAULT_RATE_BURST = 30;
    public static final double DEFAULT_RATE_PER_SECOND = 1.0;

    public HubConfig {
        if (election == null) {
            throw new IllegalArgumentException("election directory is required");
        }
        DeviceConfig.requireBrokerUrl("broker", brokerUrl);
        store = store != null && !store.isBlank() ? store : election.dir().resolve("hub.db").toString();
        if (shareGroup != null && !shareGroup.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("shareGroup must be 1..64 letters, digits, '-' or '_', found: "
                    + shareGroup);
        }
        if (queueCapacity < 1 || queueCapacity > 1_000_000) {
            throw new IllegalArgumentException("queueCapacity must be 1..1000000, found: " + queueCapacity);
        }
        if (queueBytes < 128 * 1024) {
            throw new IllegalArgumentException("queueBytes must be at least 131072, found: " + queueBytes);
        }
        sessionExpiry = sessionExpiry != null ? sessionExpiry : DEFAULT_SESSION_EXPIRY;
        if (sessionExpiry.isNegative() || sessionExpiry.getSeconds() > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("sessionExpiry must be 0..4294967295 s, found: " + sessionExpiry);
        }
        if (rateBurst < 1) {
            throw new IllegalArgumentException("rateBurst must be >= 1, found: " + rateBurst);
        }
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("ratePerSecond must be > 0, found: " + ratePerSecond);
        }
        forwarding = forwarding != null ? forwarding : Forwarding.NONE;
        alerts = alerts != null ? alerts : org.rts.hub.units.Alerts.Settings.DEFAULT;
        if (healthFile == null) {
            healthFile = isPostgres(store)
                    ? election.dir().resolve((clientId != null ? clientId : "hub") + ".health.json")
                    : Path.of(store + ".health.json");
        }
    }

    static boolean isPostgres(String store) {
        return store.startsWith("jdbc:postgresql:");
    }

    /** The settings most deployments use: defaults for everything but the election, broker, store and client id. */
    public static HubConfig of(ElectionFiles election, String brokerUrl, Path store, String clientId) {
        return of(election, brokerUrl, store == null ? null : store.toString(), clientId);
    }

    public static HubConfig of(ElectionFiles election, String brokerUrl, String store, String clientId) {
        return new HubConfig(election, brokerUrl, store, clientId, DEFAULT_QUEUE, DEFAULT_QUEUE_BYTES,
                DEFAULT_SESSION_EXPIRY, DEFAULT_RATE_BURST, DEFAULT_RATE_PER_SECOND, null, null, null, null, null, null,
                null, null);
    }

    /** The same settings, sharing the devices' messages with the other hubs of {@code group}. */
    public HubConfig withShareGroup(String group) {
        return new HubConfig(election, brokerUrl, store, clientId, queueCapacity, queueBytes, sessionExpiry,
                rateBurst, ratePerSecond, healthFile, group, forwarding, exports, ops, alerts, kafka, reports);
    }

    public HubConfig withSessionExpiry(Duration expiry) {
        return new HubConfig(election, brokerUrl, store, clientId, queueCapacity, queueBytes, expiry, rateBurst,
                ratePerSecond, healthFile, shareGroup, forwarding, exports, ops, alerts, kafka, reports);
    }

    public HubConfig withQueue(int messages, long bytes) {
        return new HubConfig(election, brokerUrl, store, clientId, messages, bytes, sessionExpiry, rateBurst,
                ratePerSecond, healthFile, shareGroup, forwarding, exports, ops, alerts, kafka, reports);
    }

    public HubConfig withRate(int burst, double perSecond) {
        return new HubConfig(election, brokerUrl, store, clientId, queueCapacity, queueBytes, sessionExpiry, burst,
                perSecond, healthFile, shareGroup, forwarding, exports, ops, alerts, kafka, reports);
    }

    public HubConfig withForwarding(Forwarding to) {
        return new HubConfig(election, brokerUrl, store, clientId, queueCapacity, queueBytes, sessionExpiry,
                rateBurst, ratePerSecond, healthFile, shareGroup, to, exports, ops, alerts, kafka, reports);
    }

    public HubConfig withExports(ExportSchedule schedule) {
        return new HubConfig(election, brokerUrl, store, clientId, queueCapacity, queueBytes, sessionExpiry,
                rateBurst, ratePerSecond, healthFile, shareGroup, forwarding, schedule, ops, alerts, kafka, reports);
    }

    public HubConfig withOps(org.rts.hub.web.OpsRoom room) {
        return new HubConfig(election, brokerUrl, store, clientId, queueCapacity, queueBytes, sessionExpiry,
                rateBurst, ratePerSecond, healthFile, shareGroup, forwarding, exports, room, alerts, kafka, reports);
    }

    /** The same settings, fed by Kafka through {@code feed}'s edges. */
    public HubConfig withKafka(org.rts.hub.kafka.KafkaFeed feed) {
        return new HubConfig(election, feed.edges().values().iterator().next(), store, clientId, queueCapacity,
                queueBytes, sessionExpiry, rateBurst, ratePerSecond, healthFile, shareGroup, forwarding, exports, ops,
                alerts, feed, reports);
    }

    public HubConfig withReports(org.rts.hub.units.ReportSchedule schedule) {
        return new HubConfig(election, brokerUrl, store, clientId, queueCapacity, queueBytes, sessionExpiry,
                rateBurst, ratePerSecond, healthFile, shareGroup, forwarding, exports, ops, alerts, kafka, schedule);
    }

    public HubConfig withAlerts(org.rts.hub.units.Alerts.Settings settings) {
        return new HubConfig(election, brokerUrl, store, clientId, queueCapacity, queueBytes, sessionExpiry,
                rateBurst, ratePerSecond, healthFile, shareGroup, forwarding, exports, ops, settings, kafka, reports);
    }
}
