package org.rts.agent.mqtt;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.rts.agent.AgentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unit's broker connection (Paho MQTT v5, memory persistence, clean start: the outbox is the durable copy).
 * Connects and reconnects itself with exponential backoff, since Paho's automatic reconnect never starts when the
 * first connect fails, and subscribes to the unit's receipt topic on every connection.
 */
public final class AgentLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLink.class);

    /** Told about connections and receipts; called on Paho's or the link's thread, so it must not block. */
    public interface Listener {
        void connected();

        void receipt(byte[] payload);
    }

    private final MqttAsyncClient client;
    private final String brokerUrl;
    private final String deviceId;
    private final String receiptTopic;
    private final ScheduledExecutorService scheduler;
    private final long maxBackoffMillis;
    private final javax.net.ssl.SSLSocketFactory tls;
    private volatile Listener listener;
    private volatile boolean closed;

    /** {@code tls} is used for {@code ssl://} brokers: the unit's certificate, trusting only the election CA. */
    public AgentLink(String brokerUrl, String deviceId, String receiptTopic, ScheduledExecutorService scheduler,
                     long maxBackoffMillis, javax.net.ssl.SSLSocketFactory tls) {
        this.brokerUrl = brokerUrl;
        this.tls = tls;
        this.deviceId = deviceId;
        this.receiptTopic = receiptTopic;
        this.scheduler = scheduler;
        this.maxBackoffMillis = maxBackoffMillis;
        try {
            this.client = new MqttAsyncClient(brokerUrl, deviceId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new AgentException("invalid broker address " + brokerUrl + ": " + e.getMessage(), e);
        }
    }

    /** Starts connecting in the background and reports to {@code listener}. */
    public void start(Listener listener) {
        this.listener = listener;
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                LOG.warn("[{}] connection to {} lost: {}", deviceId, brokerUrl,
                        response.getException() != null ? response.getException().getMessage()
                                : response.getReasonString());
                scheduleConnect(1);
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                LOG.warn("[{}] MQTT error: {}", deviceId, exception.toString());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                listener.receipt(message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
                // delivery is confirmed by the hub's receipt, not by the broker's PUBACK
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                // subscription and notification happen in connect(), off Paho's thread
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
                // no enhanced authentication
            }
        });
        scheduler.execute(() -> connect(1));
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /** Publishes at QoS 1 without waiting; false when not connected or the client refused. */
    public boolean publish(String topic, byte[] payload) {
        if (!client.isConnected()) {
            return false;
        }
        try {
            client.publish(topic, payload, 1, false);
            return true;
        } catch (MqttException e) {
            LOG.warn("[{}] publish on {} failed ({}): will retry", deviceId, topic, e.toString());
            return false;
        }
    }

    private void scheduleConnect(int attempt) {
        if (closed) {
            return;
        }
        long delay = Math.min(maxBackoffMillis, 500L << Math.min(attempt - 1, 10));
        scheduler.schedule(() -> connect(attempt), delay, TimeUnit.MILLISECONDS);
    }

    private void connect(int attempt) {
        if (closed || client.isConnected()) {
            return;
        }
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        if (brokerUrl.startsWith("ssl:")) {
            options.setSocketFactory(tls);
            options.setHttpsHostnameVerificationEnabled(true);
        }
        try {
            client.connect(options).waitForCompletion(15_000);
            IMqttToken subscription = client.subscribe(receiptTopic, 1);
            subscription.waitForCompletion(15_000);
            int granted = subscription.getReasonCodes() == null ? 0 : subscription.getReasonCodes()[0];
            if (granted > 2) {
                throw new MqttException(granted);
            }
            LOG.info("[{}] connected to {}", deviceId, brokerUrl);
            listener.connected();
        } catch (MqttException e) {
            if (closed) {
                return;
            }
            LOG.warn("[{}] cannot reach broker {} (attempt {}: {}); the message stays in the outbox", deviceId,
                    brokerUrl, attempt, e.getMessage());
            if (client.isConnected()) {
                try {
                    client.disconnect();
                } catch (MqttException ignored) {
                    // reconnecting anyway
                }
            }
            scheduleConnect(attempt + 1);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
        } catch (MqttException e) {
            LOG.debug("[{}] disconnect: {}", deviceId, e.toString());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("[{}] close: {}", deviceId, e.toString());
        }
    }
}
