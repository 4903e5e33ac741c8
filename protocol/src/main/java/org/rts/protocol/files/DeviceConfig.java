package org.rts.protocol.files;

import java.net.URI;
import org.rts.protocol.Ids;

/**
 * The device's identity and where to reach the hub ({@code device.json} in its bundle).
 *
 * @param brokerUrl {@code tcp://host:port} or {@code ssl://host:port}; no default, provisioning writes it
 * @param profile   hardware profile: a built-in name or a profile file (default {@code simulated})
 * @param language  what the officer reads: {@code ar}, {@code fr} or {@code en} (default {@code ar})
 */
public record DeviceConfig(String device, String election, String station, String brokerUrl, String profile,
                           String language) {
    public static final java.util.List<String> LANGUAGES = java.util.List.of("ar", "fr", "en");

    public DeviceConfig(String device, String election, String station, String brokerUrl, String profile) {
        this(device, election, station, brokerUrl, profile, null);
    }

    public DeviceConfig {
        Ids.require("device", device);
        Ids.require("election", election);
        Ids.require("station", station);
        requireBrokerUrl("brokerUrl", brokerUrl);
        profile = profile == null || profile.isBlank() ? "simulated" : profile;
        language = language == null || language.isBlank() ? "ar" : language;
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("language must be one of " + LANGUAGES + ", found: " + language);
        }
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
