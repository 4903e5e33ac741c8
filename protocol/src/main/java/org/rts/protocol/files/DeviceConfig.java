package org.rts.protocol.files;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.URI;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.rts.protocol.Ids;

/**
 * The device's identity and where to reach the hub ({@code device.json} in its bundle).
 *
 * <p>In the file one broker is written {@code "brokerUrl": "ssl://…"}, as it always was (every unit reads it), and
 * several edge brokers {@code "brokerUrls": ["ssl://…", "ssl://…"]}; a file gives one of the two, never both.
 *
 * @param brokerUrls every edge broker the unit may use, {@code tcp://host:port} or {@code ssl://host:port}: at least
 *                   one, none twice, all of one scheme (a unit never falls back from TLS to plain TCP); no default,
 *                   provisioning writes it
 * @param profile    hardware profile: a built-in name or a profile file (default {@code simulated})
 * @param language   what the officer reads: {@code ar}, {@code fr} or {@code en} (default {@code ar})
 */
public record DeviceConfig(String device, String election, String station, List<String> brokerUrls, String profile,
                           String language) {
    public static final List<String> LANGUAGES = List.of("ar", "fr", "en");

    /** A unit with one broker. */
    public DeviceConfig(String device, String election, String station, String brokerUrl, String profile,
                        String language) {
        this(device, election, station, List.of(requireBrokerUrl("brokerUrl", brokerUrl)), profile, language);
    }

    /** A unit with one broker and the default language. */
    public DeviceConfig(String device, String election, String station, String brokerUrl, String profile) {
        this(device, election, station, brokerUrl, profile, null);
    }

    public DeviceConfig {
        Ids.require("device", device);
        Ids.require("election", election);
        Ids.require("station", station);
        brokerUrls = requireBrokerUrls("brokerUrls", brokerUrls);
        profile = profile == null || profile.isBlank() ? "simulated" : profile;
        language = language == null || language.isBlank() ? "ar" : language;
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("language must be one of " + LANGUAGES + ", found: " + language);
        }
    }

    /** Reads either form of the file: {@code brokerUrl} (one broker) or {@code brokerUrls} (several edges). */
    @JsonCreator
    static DeviceConfig fromJson(@JsonProperty("device") String device, @JsonProperty("election") String election,
                                 @JsonProperty("station") String station, @JsonProperty("brokerUrl") String brokerUrl,
                                 @JsonProperty("brokerUrls") List<String> brokerUrls,
                                 @JsonProperty("profile") String profile, @JsonProperty("language") String language) {
        if (brokerUrl != null && brokerUrls != null) {
            throw new IllegalArgumentException("give brokerUrl (one broker) or brokerUrls (several), not both; found: "
                    + brokerUrl + " and " + brokerUrls);
        }
        return brokerUrls != null ? new DeviceConfig(device, election, station, brokerUrls, profile, language)
                : new DeviceConfig(device, election, station, brokerUrl, profile, language);
    }

    /** The file's fields: one broker keeps the {@code brokerUrl} form, so such a file is what it always was. */
    @JsonValue
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("device", device);
        json.put("election", election);
        json.put("station", station);
        if (brokerUrls.size() == 1) {
            json.put("brokerUrl", brokerUrls.get(0));
        } else {
            json.put("brokerUrls", brokerUrls);
        }
        json.put("profile", profile);
        json.put("language", language);
        return json;
    }

    /** The first broker of {@link #brokerUrls()}: the only one when the unit has one. */
    public String brokerUrl() {
        return brokerUrls.get(0);
    }

    /**
     * Checks a list of broker URLs (at least one, each valid, none twice, all of one scheme) and returns an
     * unmodifiable copy; throws naming the field and the value, e.g. {@code "brokerUrls[1] must look like …"}.
     */
    /**
     * The version of a signed device configuration as a unit reports it in its telemetry and the hub compares it
     * with the one provisioning issued: the first 8 characters of the base64url SHA-256 of the file's bytes.
     */
    public static String version(byte[] deviceJson) {
        return org.rts.protocol.jws.Jws.hash(deviceJson).substring(0, 8);
    }

    public static List<String> requireBrokerUrls(String field, List<String> urls) {
        if (urls == null || urls.isEmpty()) {
            throw new IllegalArgumentException(field + " must list at least one broker, found: " + urls);
        }
        Set<String> seen = new HashSet<>();
        String scheme = null;
        for (int i = 0; i < urls.size(); i++) {
            String url = requireBrokerUrl(field + "[" + i + "]", urls.get(i));
            URI uri = URI.create(url);
            if (!seen.add(uri.getHost().toLowerCase(Locale.ROOT) + ":" + uri.getPort())) {
                throw new IllegalArgumentException(field + " lists the same broker twice, found: " + url + " in "
                        + urls);
            }
            if (scheme != null && !scheme.equals(uri.getScheme())) {
                throw new IllegalArgumentException(field + " must all be tcp:// or all ssl://, found: " + url
                        + " after " + urls.get(0));
            }
            scheme = uri.getScheme();
        }
        return List.copyOf(urls);
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
