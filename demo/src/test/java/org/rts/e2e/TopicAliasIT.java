package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.mqtt.TopicAliases;

/**
 * Publishing faster than the broker's Receive Maximum lets through, from two threads and on a dozen topics, as the
 * hub does with its receipts under a burst: a publish refused for a full window and made again never costs the
 * connection, and every message arrives on its own topic. Without {@link TopicAliases} Paho leaves the broker an
 * alias it never defined, and Mosquitto closes the connection ("disconnected due to protocol error").
 */
class TopicAliasIT {
    private static final int TOPICS = 12;
    private static final int ROUNDS = 20;
    private static final int PER_TOPIC_AND_THREAD = 5;

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void publishes_refused_for_a_full_window_and_made_again_keep_the_connection() throws Exception {
        // a small Receive Maximum, and the topic aliases a broker allows by default (max_topic_alias 10)
        try (Mosquitto broker = Mosquitto.plain(dir.resolve("broker"), "max_inflight_messages 2")) {
            broker.start();
            Map<String, AtomicInteger> arrived = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> misrouted = new ConcurrentLinkedQueue<>();
            MqttAsyncClient subscriber = client(broker.url(), "alias-sub", new Events((topic, payload) -> {
                if (!topic.equals(payload)) {
                    misrouted.add(payload + " arrived on " + topic);
                }
                arrived.computeIfAbsent(topic, t -> new AtomicInteger()).incrementAndGet();
            }, new ConcurrentLinkedQueue<>()));
            subscriber.subscribe("alias/#", 1).waitForCompletion(10_000);

            ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
            for (int round = 0; round < ROUNDS && lost.isEmpty(); round++) { // each connection has aliases anew
                MqttAsyncClient publisher = client(broker.url(), "alias-pub-" + round, new Events((t, p) -> { }, lost));
                TopicAliases.disable(publisher);
                List<Thread> threads = new ArrayList<>();
                for (int n = 0; n < 2; n++) {
                    threads.add(Thread.ofPlatform().start(() -> {
                        for (int i = 0; i < PER_TOPIC_AND_THREAD && lost.isEmpty(); i++) {
                            for (int t = 0; t < TOPICS; t++) { // fill the window, then a topic new or not
                                publishRetrying(publisher, "alias/fill", lost);
                                publishRetrying(publisher, "alias/fill", lost);
                                publishRetrying(publisher, "alias/topic-" + t, lost);
                            }
                        }
                    }));
                }
                for (Thread t : threads) {
                    t.join();
                }
                int expected = (round + 1) * 2 * TOPICS * PER_TOPIC_AND_THREAD * 3;
                Wait.until("every message arrived or the publisher lost its connection", Duration.ofSeconds(60),
                        () -> !lost.isEmpty() || arrived.values().stream().mapToInt(AtomicInteger::get).sum() >= expected);
                if (lost.isEmpty()) {
                    publisher.disconnect().waitForCompletion(5_000);
                }
                publisher.close(true);
            }
            assertTrue(lost.isEmpty(), () -> "the publisher lost its connection: " + lost);
            for (int t = 0; t < TOPICS; t++) {
                assertEquals(ROUNDS * 2 * PER_TOPIC_AND_THREAD, arrived.get("alias/topic-" + t).get(),
                        "alias/topic-" + t);
            }
            assertEquals(ROUNDS * 2 * PER_TOPIC_AND_THREAD * TOPICS * 2, arrived.get("alias/fill").get());
            assertTrue(misrouted.isEmpty(), () -> misrouted.size() + " misrouted, first: " + misrouted.peek());
            subscriber.disconnect().waitForCompletion(5_000);
            subscriber.close();
        }
    }

    /** Publishes the topic as payload, again while the client's window is full; stops once the connection is lost. */
    private static void publishRetrying(MqttAsyncClient client, String topic, ConcurrentLinkedQueue<String> lost) {
        while (lost.isEmpty()) {
            try {
                client.publish(topic, topic.getBytes(StandardCharsets.UTF_8), 1, false);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                    lost.add("publish on " + topic + ": " + e);
                    return;
                }
                LockSupport.parkNanos(50_000);
            }
        }
    }

    private static MqttAsyncClient client(String url, String id, MqttCallback callback) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(url, id, new MemoryPersistence());
        c.setCallback(callback);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        c.connect(options).waitForCompletion(10_000);
        return c;
    }

    private record Events(java.util.function.BiConsumer<String, String> messages, ConcurrentLinkedQueue<String> lost)
            implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            lost.add("disconnected: " + (response.getException() != null ? response.getException()
                    : "reason " + response.getReturnCode()));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            lost.add("error: " + exception);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            messages.accept(topic, new String(message.getPayload(), StandardCharsets.UTF_8));
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
    }
}
