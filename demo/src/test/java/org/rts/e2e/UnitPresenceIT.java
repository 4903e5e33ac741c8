package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.units.UnitRegistry;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Presence;
import org.rts.protocol.message.Telemetry;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;

/**
 * The running unit tells the operations room it is there: a signed ONLINE presence and telemetry on connect, its
 * signed will (LOST, same session) when it dies, a new session when it comes back, OFFLINE on a clean stop.
 */
class UnitPresenceIT {
    @TempDir
    Path dir;

    /** A signed message seen on the unit's health topics, verified with the unit's certificate. */
    record Seen(String topic, Object message) {
    }

    @Test
    @Timeout(180)
    void birth_telemetry_will_and_goodbye_are_signed_and_tied_to_their_session() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE,
                Clock.systemUTC());
        Path unit = Units.place(election, dir.resolve("units"), 1);
        ECPublicKeyParameters key = Certificates.publicKey(Pem.readCertificate(unit.resolve("device.pem")));
        List<Seen> seen = new CopyOnWriteArrayList<>();
        List<String> forged = new CopyOnWriteArrayList<>();
        List<String> markers = new CopyOnWriteArrayList<>();
        String marker = "rts-it/marker/" + UUID.randomUUID();
        MqttClient watcher = new MqttClient(Mosquitto.SHARED_URL, "it-watch-" + UUID.randomUUID(),
                new MemoryPersistence());
        watcher.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
            @Override
            public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
                if (topic.equals(marker)) {
                    markers.add(new String(m.getPayload(), java.nio.charset.StandardCharsets.US_ASCII));
                    return;
                }
                Jws jws = Jws.parse(m.getPayload());
                if (!Es256Verifier.verify(jws, key)) {
                    forged.add(topic);
                    return;
                }
                seen.add(new Seen(topic, topic.endsWith(Topics.PRESENCE) ? MessageCodec.decodePresence(jws.payload())
                        : MessageCodec.decodeTelemetry(jws.payload())));
            }

            @Override
            public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException exception) {
            }

            @Override
            public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
            }

            @Override
            public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) {
            }
        });
        watcher.connect(new MqttConnectionOptions());
        for (String filter : Topics.healthFilters(election.id)) {
            watcher.subscribe(filter, 1);
        }
        watcher.subscribe(marker, 1);
        String hubId = "it-hub-" + UUID.randomUUID();
        Hub hub = Hub.start(HubConfig.of(election.files, Mosquitto.SHARED_URL, dir.resolve("hub.db"), hubId)
                .withSessionExpiry(Duration.ofMinutes(3)), Clock.systemUTC());
        try {
            Wait.until("the hub is subscribed", Duration.ofSeconds(30), hub::isConnected);
            Process first = Cli.agentProcess(dir.resolve("unit.log"), "run", "--bundle", unit.toString(), "--broker",
                    Mosquitto.SHARED_URL, "--telemetry-seconds", "5");
            Presence online = (Presence) await(seen, s -> s.message() instanceof Presence p
                    && p.state() == Presence.State.ONLINE);
            Telemetry t = (Telemetry) await(seen, s -> s.message() instanceof Telemetry);
            assertEquals(online.session(), t.session());
            assertEquals(1, t.n());
            assertEquals("S-1", t.station());
            assertEquals(100.0, t.battery(), "the simulated battery, full on mains");
            assertEquals(0, t.pending());
            Hub h = hub;
            Wait.until("the hub sees the unit online with its telemetry", Duration.ofSeconds(30), () -> h.units()
                    .stream().anyMatch(u -> u.device().equals("dev-1") && u.state() == UnitRegistry.State.ONLINE
                            && u.telemetry() != null));
            first.destroyForcibly(); // power lost
            first.waitFor(10, TimeUnit.SECONDS);
            Presence lost = (Presence) await(seen, s -> s.message() instanceof Presence p
                    && p.state() == Presence.State.LOST);
            assertEquals(online.session(), lost.session(), "the will names the session that died");
            Wait.until("the hub sees the unit lost", Duration.ofSeconds(30), () -> h.units().stream()
                    .anyMatch(u -> u.device().equals("dev-1") && u.state() == UnitRegistry.State.LOST));

            Process second = Cli.agentProcess(dir.resolve("unit.log"), "run", "--bundle", unit.toString(), "--broker",
                    Mosquitto.SHARED_URL, "--telemetry-seconds", "5");
            Presence again = (Presence) await(seen, s -> s.message() instanceof Presence p
                    && p.state() == Presence.State.ONLINE && p.session() != online.session());
            assertTrue(again.session() > online.session(), "sessions only grow");
            second.destroy(); // a clean stop (SIGTERM)
            second.waitFor(30, TimeUnit.SECONDS);
            Presence bye = (Presence) await(seen, s -> s.message() instanceof Presence p
                    && p.state() == Presence.State.OFFLINE);
            assertEquals(again.session(), bye.session());
            // the broker acts on a connection's close before it routes a message published after the process exited
            watcher.publish(marker, "after-exit".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 1, false);
            Wait.until("the marker published after the unit exited came back", Duration.ofSeconds(30),
                    () -> markers.contains("after-exit"));
            assertEquals(1, seen.stream().filter(s -> s.message() instanceof Presence p
                    && p.state() == Presence.State.LOST).count(), "a clean stop leaves no will behind");
            assertTrue(forged.isEmpty(), forged.toString());
            Wait.until("the hub sees the clean goodbye", Duration.ofSeconds(30), () -> h.units().stream()
                    .anyMatch(u -> u.device().equals("dev-1") && u.state() == UnitRegistry.State.OFFLINE));
            hub.close();
            hub = Hub.start(HubConfig.of(election.files, Mosquitto.SHARED_URL, dir.resolve("hub.db"), hubId)
                    .withSessionExpiry(Duration.ofMinutes(3)), Clock.systemUTC());
            UnitRegistry.UnitStatus kept = hub.units().get(0);
            assertEquals(UnitRegistry.State.OFFLINE, kept.state(), "the hub restarted knows what it knew");
            assertEquals(bye.session(), kept.session());
            assertEquals(100.0, kept.telemetry().battery());
        } finally {
            hub.close();
            watcher.disconnect();
            watcher.close();
        }
    }

    private static Object await(List<Seen> seen, Predicate<Seen> what) throws InterruptedException {
        Wait.until("seen: " + seen, Duration.ofSeconds(60), () -> seen.stream().anyMatch(what));
        return seen.stream().filter(what).findFirst().orElseThrow().message();
    }
}
