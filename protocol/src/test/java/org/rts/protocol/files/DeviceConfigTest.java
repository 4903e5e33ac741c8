package org.rts.protocol.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.codec.Json;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;

/** {@code device.json}: one broker in the form every unit reads, or the list of edge brokers. */
class DeviceConfigTest {
    /** A one-broker {@code device.json} as provisioning has always written it. */
    private static final String ONE_BROKER = """
            {
              "device" : "dev-1",
              "election" : "el",
              "station" : "S-1",
              "brokerUrl" : "ssl://edge-1.example:8883",
              "profile" : "simulated",
              "language" : "fr"
            }""";

    @TempDir
    Path dir;

    private Path file(String json) throws Exception {
        return Files.writeString(dir.resolve("device.json"), json);
    }

    private static String invalid(Path file) {
        return assertThrows(ProtocolException.class,
                () -> JsonFiles.read(file, DeviceConfig.class, "device configuration")).getMessage();
    }

    @Test
    void an_older_file_with_one_broker_reads_as_one_edge_and_is_written_back_the_same() throws Exception {
        DeviceConfig config = JsonFiles.read(file(ONE_BROKER), DeviceConfig.class, "device configuration");
        assertEquals(List.of("ssl://edge-1.example:8883"), config.brokerUrls());
        assertEquals("ssl://edge-1.example:8883", config.brokerUrl());
        assertEquals(ONE_BROKER, Json.pretty().writeValueAsString(config));
        assertEquals(config, new DeviceConfig("dev-1", "el", "S-1", "ssl://edge-1.example:8883", null, "fr"));
    }

    @Test
    void several_edges_are_written_as_a_list_and_read_back_in_their_order() throws Exception {
        DeviceConfig config = new DeviceConfig("dev-1", "el", "S-1", List.of("ssl://edge-2.example:8883",
                "ssl://edge-1.example:8883", "ssl://10.0.0.7:8883"), null, null);
        String json = Json.pretty().writeValueAsString(config);
        assertTrue(json.contains("\"brokerUrls\" : [ \"ssl://edge-2.example:8883\""), json);
        assertFalse(json.contains("\"brokerUrl\""), json);
        DeviceConfig read = JsonFiles.read(file(json), DeviceConfig.class, "device configuration");
        assertEquals(config, read);
        assertEquals("ssl://edge-2.example:8883", read.brokerUrl());
    }

    @Test
    void a_signed_file_with_several_edges_verifies_and_reads_back() throws Exception {
        ECPrivateKeyParameters key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        X509CertificateHolder ca = CertificateIssuer.selfSignedCa("el", key, Instant.now(), Duration.ofDays(1));
        Es256Signer authority = new Es256Signer(key, "el", Certificates.thumbprint(ca));
        DeviceConfig config = new DeviceConfig("dev-1", "el", "S-1", List.of("tcp://127.0.0.1:1883",
                "tcp://127.0.0.1:1884"), "simulated", "en");
        Path file = dir.resolve("bundle/device.json");
        SignedFile.write(file, Json.pretty().writeValueAsBytes(config), authority, false);
        assertEquals(config, JsonFiles.parse(file, SignedFile.readVerified(file, ca), DeviceConfig.class,
                "device configuration"));
    }

    @Test
    void a_bad_edge_is_refused_naming_the_field_and_the_value() throws Exception {
        Path file = file(ONE_BROKER.replace("\"brokerUrl\" : \"ssl://edge-1.example:8883\"",
                "\"brokerUrls\" : [ \"ssl://edge-1.example:8883\", \"edge-2.example:8883\" ]"));
        assertEquals("device configuration " + file + " is invalid: brokerUrls[1] must look like tcp://host:port"
                + " or ssl://host:port, found: edge-2.example:8883", invalid(file));
    }

    @Test
    void an_edge_listed_twice_mixed_schemes_or_no_edge_are_refused() throws Exception {
        assertTrue(invalid(file(ONE_BROKER.replace("\"brokerUrl\" : \"ssl://edge-1.example:8883\"",
                "\"brokerUrls\" : [ \"ssl://edge-1.example:8883\", \"ssl://EDGE-1.example:8883\" ]"))).endsWith(
                "brokerUrls lists the same broker twice, found: ssl://EDGE-1.example:8883 in"
                        + " [ssl://edge-1.example:8883, ssl://EDGE-1.example:8883]"));
        assertTrue(invalid(file(ONE_BROKER.replace("\"brokerUrl\" : \"ssl://edge-1.example:8883\"",
                "\"brokerUrls\" : [ \"ssl://edge-1.example:8883\", \"tcp://edge-2.example:1883\" ]"))).endsWith(
                "brokerUrls must all be tcp:// or all ssl://, found: tcp://edge-2.example:1883 after"
                        + " ssl://edge-1.example:8883"));
        assertTrue(invalid(file(ONE_BROKER.replace("\"brokerUrl\" : \"ssl://edge-1.example:8883\"",
                "\"brokerUrls\" : [ ]"))).endsWith("brokerUrls must list at least one broker, found: []"));
        assertTrue(invalid(file(ONE_BROKER.replace("\"brokerUrl\" : \"ssl://edge-1.example:8883\",", "")))
                .endsWith("brokerUrl must look like tcp://host:port or ssl://host:port, found: null"));
    }

    @Test
    void a_file_giving_both_forms_is_refused() throws Exception {
        String message = invalid(file(ONE_BROKER.replace("\"profile\"",
                "\"brokerUrls\" : [ \"ssl://edge-2.example:8883\" ],\n  \"profile\"")));
        assertTrue(message.contains("give brokerUrl (one broker) or brokerUrls (several), not both"), message);
    }

    @Test
    void an_unknown_field_is_still_refused() throws Exception {
        String message = invalid(file(ONE_BROKER.replace("\"profile\"", "\"brokers\" : [ ],\n  \"profile\"")));
        assertTrue(message.contains("brokers"), message);
    }

    @Test
    void the_one_broker_constructor_names_the_field() {
        assertEquals("brokerUrl must look like tcp://host:port or ssl://host:port, found: mqtt://x:1",
                assertThrows(IllegalArgumentException.class,
                        () -> new DeviceConfig("dev-1", "el", "S-1", "mqtt://x:1", null)).getMessage());
    }
}
