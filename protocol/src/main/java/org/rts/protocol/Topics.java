package org.rts.protocol;

import java.util.List;
import java.util.Optional;

/**
 * MQTT topic scheme, one subtree per election so that elections (a live one and its drill) can share a broker
 * without their hubs hearing each other's units. A device publishes under
 * {@code rts/v1/<election>/dev/<deviceId>/<kind>} and reads its receipts on
 * {@code rts/v1/<election>/dev/<deviceId>/receipt}, so a broker ACL can give each device its own subtree. The hub
 * checks its own subscription with probes on {@code rts/v1/<election>/hub/<client id>/probe}.
 */
public final class Topics {
    public static final String ROOT = "rts/v1/";
    public static final String TURNOUT = "turnout";
    public static final String RESULT = "result";
    public static final String RESTART = "restart";
    public static final String RECEIPT = "receipt";
    public static final String PROBE = "probe";
    /** A unit's health ({@code Telemetry}), outside its chain of reports. */
    public static final String TELEMETRY = "telemetry";
    /** A unit's connection coming and going ({@code Presence}: birth, goodbye, will). */
    public static final String PRESENCE = "presence";
    /** Pieces of the photo of a signed form ({@code PhotoPiece}), sent after the result that names it. */
    public static final String PHOTO = "photo";
    /** The hub's answer to a photo's piece ({@code PhotoAnswer}): how much of it the hub holds. */
    public static final String PHOTO_ANSWER = "photo-answer";

    /** Kinds of report a device publishes, each on its own topic. */
    public static final List<String> REPORT_KINDS = List.of(TURNOUT, RESULT, RESTART);

    private Topics() {
    }

    /** Where the election's devices publish and read: {@code rts/v1/<election>/dev/}. */
    public static String devices(String election) {
        return ROOT + Ids.require("election", election) + "/dev/";
    }

    /** Where the election's hubs probe: {@code rts/v1/<election>/hub/}. */
    public static String hubs(String election) {
        return ROOT + Ids.require("election", election) + "/hub/";
    }

    /** What a hub subscribes to: every device's reports in its election. */
    public static List<String> reportFilters(String election) {
        return REPORT_KINDS.stream().map(k -> devices(election) + "+/" + k).toList();
    }

    /** What the operations room subscribes to: every device's telemetry and presence in its election. */
    public static List<String> healthFilters(String election) {
        return List.of(devices(election) + "+/" + TELEMETRY, devices(election) + "+/" + PRESENCE);
    }

    /** What a hub subscribes to for the photos of the forms: every device's pieces in its election. */
    public static String photoFilter(String election) {
        return devices(election) + "+/" + PHOTO;
    }

    public static String photoAnswer(String election, String deviceId) {
        return devices(election) + Ids.require("deviceId", deviceId) + "/" + PHOTO_ANSWER;
    }

    public static String report(String election, String deviceId, String kind) {
        return devices(election) + Ids.require("deviceId", deviceId) + "/" + kind;
    }

    public static String receipt(String election, String deviceId) {
        return devices(election) + Ids.require("deviceId", deviceId) + "/" + RECEIPT;
    }

    /** Where a hub client sends itself probes to check that its subscription still delivers. */
    public static String probe(String election, String hubClientId) {
        return hubs(election) + hubClientId + "/" + PROBE;
    }

    /** A unit's MQTT client id: its device id within its election, unique on a broker several elections share. */
    public static String clientId(String election, String deviceId) {
        return Ids.require("deviceId", deviceId) + "@" + Ids.require("election", election);
    }

    /** A parsed device topic. */
    public record Address(String election, String deviceId, String kind) {
    }

    /** Parses {@code rts/v1/<election>/dev/<deviceId>/<kind>}; empty when the topic is not of that shape. */
    public static Optional<Address> parse(String topic) {
        if (topic == null || !topic.startsWith(ROOT)) {
            return Optional.empty();
        }
        String[] rest = topic.substring(ROOT.length()).split("/", -1);
        if (rest.length != 4 || !Ids.isValid(rest[0]) || !rest[1].equals("dev") || !Ids.isValid(rest[2])
                || rest[3].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Address(rest[0], rest[2], rest[3]));
    }
}
