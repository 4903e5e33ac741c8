package org.rts.protocol;

import java.util.List;
import java.util.Optional;

/**
 * MQTT topic scheme. A device publishes under {@code rts/v1/dev/<deviceId>/<kind>} and reads its receipts on
 * {@code rts/v1/dev/<deviceId>/receipt}; a broker ACL can therefore give each device its own subtree.
 */
public final class Topics {
    public static final String PREFIX = "rts/v1/dev/";
    public static final String TURNOUT = "turnout";
    public static final String RESULT = "result";
    public static final String RECEIPT = "receipt";
    public static final String HEALTH = "health";

    /** What the hub subscribes to: every device's reports. */
    public static final List<String> REPORT_FILTERS = List.of(PREFIX + "+/" + TURNOUT, PREFIX + "+/" + RESULT);

    private Topics() {
    }

    public static String report(String deviceId, String kind) {
        return PREFIX + Ids.require("deviceId", deviceId) + "/" + kind;
    }

    public static String receipt(String deviceId) {
        return PREFIX + Ids.require("deviceId", deviceId) + "/" + RECEIPT;
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
