package org.rts.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.bouncycastle.cert.X509CertificateHolder;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.merkle.LoggedReceipt;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;

/**
 * Publishes arbitrary bytes on a device's report topic and waits for the hub's answer, checking the hub's
 * signature: how the demonstration and the tests put hostile messages in front of the hub.
 */
public final class RawDevice implements AutoCloseable {
    private final MqttAsyncClient client;
    private final String election;
    private final String deviceId;
    private final X509CertificateHolder hubCertificate;
    private final Map<String, CompletableFuture<Receipt>> waiting = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger watched = new java.util.concurrent.atomic.AtomicInteger();

    public RawDevice(String election, String brokerUrl, String deviceId, Path hubCertificate) throws MqttException {
        this(election, brokerUrl, deviceId, hubCertificate, null);
    }

    /** Connects with {@code tls} (a client certificate and the CA to trust) for {@code ssl://} brokers. */
    public RawDevice(String election, String brokerUrl, String deviceId, Path hubCertificate,
                     javax.net.ssl.SSLSocketFactory tls) throws MqttException {
        this.election = election;
        this.deviceId = deviceId;
        this.hubCertificate = Pem.readCertificate(hubCertificate);
        this.client = new MqttAsyncClient(brokerUrl, "raw-" + deviceId + "-" + System.nanoTime(),
                new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                if (topic.equals(Topics.receipt(election, deviceId))) {
                    received(message.getPayload());
                } else {
                    watched.incrementAndGet();
                }
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
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        if (tls != null) {
            options.setSocketFactory(tls);
        }
        client.connect(options).waitForCompletion(10_000);
        client.subscribe(new MqttSubscription[] {new MqttSubscription(Topics.receipt(election, deviceId), 1)}, null, null,
                null).waitForCompletion(10_000);
    }

    private void received(byte[] payload) {
        Receipt receipt;
        try {
            receipt = LoggedReceipt.decode(payload).check(Certificates.publicKey(hubCertificate), election).receipt();
        } catch (org.rts.protocol.codec.MalformedMessageException e) {
            return; // not the hub's
        }
        CompletableFuture<Receipt> f = waiting.get(receipt.msg());
        if (f != null) {
            f.complete(receipt);
        }
    }

    /**
     * Publishes at QoS 1 and returns the broker's PUBACK reason code (0 accepted, 135 not authorized). Paho may
     * complete a publish's token before it frees the publish's place in its window (paho.mqtt.java #551), so a
     * full window is waited out here rather than reported.
     */
    public int publish(String topic, byte[] bytes) throws MqttException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        IMqttToken token;
        while (true) {
            try {
                token = client.publish(topic, bytes, 1, false);
                break;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
        token.waitForCompletion(10_000);
        int[] codes = token.getReasonCodes();
        return codes == null || codes.length == 0 ? 0 : codes[0];
    }

    /** Counts the messages published on one more topic from now on; one watch per device. */
    public java.util.concurrent.atomic.AtomicInteger watch(String topic) throws MqttException {
        client.subscribe(new MqttSubscription[] {new MqttSubscription(topic, 1)}, null, null, null)
                .waitForCompletion(10_000);
        return watched;
    }

    /** Publishes {@code bytes} on this device's {@code kind} topic and returns the hub's verified receipt. */
    public Receipt send(String kind, byte[] bytes, Duration timeout) throws Exception {
        try {
            return sendAsync(kind, bytes).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            waiting.remove(Jws.hash(bytes));
        }
    }

    /** Publishes {@code bytes} on this device's {@code kind} topic; the future completes with the hub's receipt. */
    public CompletableFuture<Receipt> sendAsync(String kind, byte[] bytes) throws MqttException {
        CompletableFuture<Receipt> future = waiting.computeIfAbsent(Jws.hash(bytes), h -> new CompletableFuture<>());
        publish(Topics.report(election, deviceId, kind), bytes);
        return future;
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(5_000);
        }
        client.close(true);
    }
}
