package org.rts.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.Agent;
import org.rts.agent.AgentSettings;
import org.rts.agent.TestBroker;
import org.rts.agent.TestUnit;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.protocol.Topics;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.message.Mode;

/**
 * A unit enrolled with several edge brokers, against real Mosquitto processes: it reaches a live edge past a dead
 * one, and moves to another edge when its own dies; the outbox sends its message again there.
 */
@Timeout(120)
class EdgeFailoverTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path dir;

    private final String election = "edges-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void a_unit_whose_first_edge_is_dead_reaches_the_live_one_and_its_message_gets_through() throws Exception {
        String dead = "tcp://127.0.0.1:" + TestBroker.freePort();
        List<String> brokers = List.of(TestBroker.SHARED_URL, dead);
        String device = deviceStartingAt(dead, brokers);
        try (Watcher live = new Watcher(TestBroker.SHARED_URL, election);
             Agent agent = unit(device, brokers)) {
            OutboxEntry entry = agent.workflow().commit(agent.workflow().turnout(42, null));
            agent.connect();
            assertEquals(entry.jws(), live.next(), "the turnout reached the live edge");
            assertTrue(agent.online());
        }
    }

    @Test
    void a_unit_whose_edge_dies_moves_to_the_other_and_sends_its_message_there() throws Exception {
        try (TestBroker own = TestBroker.start(dir.resolve("edge-a"), true)) {
            List<String> brokers = List.of(TestBroker.SHARED_URL, own.url());
            String device = deviceStartingAt(own.url(), brokers);
            try (Watcher a = new Watcher(own.url(), election);
                 Watcher b = new Watcher(TestBroker.SHARED_URL, election);
                 Agent agent = unit(device, brokers)) {
                OutboxEntry entry = agent.workflow().commit(agent.workflow().turnout(42, null));
                agent.connect();
                assertEquals(entry.jws(), a.next(), "the turnout went to the unit's first edge");
                own.kill();
                assertEquals(entry.jws(), b.next(), "with no receipt, it went again on the edge the unit moved to");
                assertTrue(agent.online());
            }
        }
    }

    /** A device id whose unit tries {@code first} before the other edges. */
    private static String deviceStartingAt(String first, List<String> brokers) {
        for (int i = 1; ; i++) {
            String device = "dev-" + i;
            if (Edges.order(device, brokers).get(0).equals(first)) {
                return device;
            }
        }
    }

    private Agent unit(String device, List<String> brokers) {
        ElectionFiles files = TestUnit.election(dir.resolve("election"), CLOCK, new Election(election, "Edges",
                Mode.LIVE, List.of(new Race("r", "Race", List.of(new Candidate("a", "Alpha")))),
                List.of(new Station("S-1", "One", 500)), null));
        Path bundle = TestUnit.enrol(files, CLOCK, files.bundle(device).dir(), device, "S-1", brokers);
        Path data = dir.resolve("data");
        Outbox.create(data.resolve("outbox.db")).close();
        return Agent.open(new AgentSettings(bundle, data, null, 4, Duration.ofSeconds(20), Duration.ofSeconds(2)),
                CLOCK, new PrintStream(OutputStream.nullOutputStream()), "test");
    }

    /** Stands where the hub would: hears every turnout of the election on one broker. */
    private static final class Watcher implements MqttCallback, AutoCloseable {
        private final MqttClient client;
        private final BlockingQueue<String> turnouts = new LinkedBlockingQueue<>();

        Watcher(String url, String election) throws MqttException {
            client = new MqttClient(url, "edges-watch-" + UUID.randomUUID(), new MemoryPersistence());
            client.setCallback(this);
            client.connect(new MqttConnectionOptions());
            client.subscribe(Topics.devices(election) + "+/" + Topics.TURNOUT, 1);
        }

        String next() throws InterruptedException {
            String turnout = turnouts.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(turnout != null, "no turnout within " + PATIENCE.toSeconds() + " s");
            return turnout;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            turnouts.add(new String(message.getPayload(), StandardCharsets.US_ASCII));
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }

        @Override
        public void close() {
            try {
                if (client.isConnected()) {
                    client.disconnect();
                }
                client.close();
            } catch (MqttException e) {
                // the broker may be gone already
            }
        }
    }
}
