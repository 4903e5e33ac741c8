package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.demo.RawDevice;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Telemetry;

/** A unit flooding the hub with telemetry is rate-limited on its health alone: its result still goes through. */
class HealthFloodIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void a_telemetry_flood_is_dropped_and_the_units_report_is_accepted() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE,
                Clock.systemUTC());
        Hub hub = Hub.start(HubConfig.of(election.files, Mosquitto.SHARED_URL, dir.resolve("hub.db"),
                "it-hub-" + UUID.randomUUID()).withSessionExpiry(Duration.ofMinutes(3)), Clock.systemUTC());
        Device d = election.device(1);
        try (RawDevice raw = new RawDevice(election.id, Mosquitto.SHARED_URL, "dev-1",
                election.files.hubCertificate())) {
            Wait.until("the hub is subscribed", Duration.ofSeconds(30), hub::isConnected);
            String topic = Topics.report(election.id, "dev-1", Topics.TELEMETRY);
            for (int n = 1; n <= 300; n++) {
                Telemetry t = new Telemetry(1, election.id, Mode.LIVE, "dev-1", "S-1", 1, n, Instant.now(), 50.0,
                        3.8, false, false, null, null, null, null, null, true, null, 0, null, "0.1", "cfg", false);
                raw.publish(topic, d.signRaw(MessageCodec.encode(t)));
            }
            assertTrue(raw.send(Topics.TURNOUT, d.chain(d.sign(d.turnout(42))), Duration.ofSeconds(30)).accepted(),
                    "the unit's report is not held up by its own flood");
            Wait.until("the flood is counted as rate-limited", Duration.ofSeconds(30),
                    () -> hub.health().rateLimitedCount() >= 250);
            assertEquals(42, hub.store().turnout(election.id).get("S-1"));
            assertTrue(hub.health().rateLimitedCount() < 300, "some were taken: " + hub.health().rateLimitedCount());
        } finally {
            hub.close();
        }
    }
}
