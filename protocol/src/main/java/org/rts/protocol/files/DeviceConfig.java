package org.rts.protocol.files;

import java.net.URI;
import org.rts.protocol.Ids;

/**
 * The device's identity and where to reach the hub ({@code device.json} in its bundle).
 *
 * @param brokerUrl {@code tcp://host:port} or {@code ssl://host:port}; no default, provisioning writes it
 * @param profile   hardware profile name (default {@code simulated})
 */
public record DeviceConfig(String device, String election, String station, String brokerUrl, String profile) {
    public DeviceConfig {
        Ids.require("device", device);
        Ids.require("election", election);
        Ids.require("station", station);
        requireBrokerUrl("brokerUrl", brokerUrl);
        profile = profile == null || profile.isBlank() ? "simulated" : profile;
    }

    /** Checks an MQTT broker URL, e.g. {@code tcp://127.0.0.1:1883}; throws naming the field and the value. */
    public static String requireBrokerUrl(String field, String url) {
        try {
            URI uri = new URI(url);
            if (("tcp".equals(uri.getScheme()) || "ssl".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getPort() > 0) {
                return url;
            }
        } catch (Exception e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(field + " must look like tcp://host:port or ssl://host:port, found: "
                + url);
    }
}
