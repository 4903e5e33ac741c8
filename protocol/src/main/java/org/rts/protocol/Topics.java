package org.rts.protocol;

import java.util.List;
import java.util.Optional;

/**
 * MQTT topic scheme. A device publishes under {@code rts/v1/dev/<deviceId>/<kind>} and reads its receipts on
 * {@code rts/v1/dev/<deviceId>/receipt}; a broker ACL can therefore give each device its own subtree. The hub
 * checks its own subscription with probes on {@code rts/v1/hub/<client id>/probe}.
 */
public final class Topics {
    public static final String PREFIX = "rts/v1/dev/";
    public static final String HUB_PREFIX = "rts/v1/hub/";
    public static final String TURNOUT = "turnout";
    public static final String RESULT = "result";
    public static final String RESTART = "restart";
    public static final String RECEIPT = "receipt";
    public static final String HEALTH = "health";
    public static final String PROBE = "probe";

    /** Kinds of report a device publishes, each on its own topic. */
    public static final List<String> REPORT_KINDS = List.of(TURNOUT, RESULT, RESTART);

    /** What the hub subscribes to: every device's reports. */
    public static final List<String> REPORT_FILTERS = REPORT_KINDS.stream().map(k -> PREFIX + "+/" + k).toList();

    private Topics() {
    }

    public static String report(String deviceId, String kind) {
        return PREFIX + Ids.require("deviceId", deviceId) + "/" + kind;
    }

    public static String receipt(String deviceId) {
        return PREFIX + Ids.require("deviceId", deviceId) + "/" + RECEIPT;
    }

    /** Where a hub client sends itself probes to check that its subscription still delivers. */
    public static String probe(String hubClientId) {
        return HUB_PREFIX + hubClientId + "/" + PROBE;
    }

    /** A parsed device topic. */
    public record Address(String deviceId, String kind) {
    }

    /** Parses {@code rts/v1/dev/<deviceId>/<kind>}; empty when the topic is not of that shape. */
    public static Optional<Address> parse(String topic) {
        if (topic == null || !topic.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] rest = topic.substring(PREFIX.length()).split("/", -1);
        if (rest.length != 2 || !Ids.isValid(rest[0]) || rest[1].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Address(rest[0], rest[1]));
    }
}
