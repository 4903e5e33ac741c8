package org.rts.hub.mqtt;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.rts.hub.HubException;
import org.rts.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's broker connection (Paho MQTT v5). A persistent session (clean start off, kept for the configured expiry) lets the
 * broker queue device messages while the hub is down; manual acknowledgement means a message is acknowledged only
 * after {@link #acknowledge} is called, once its decision is stored. The first connection is retried here (Paho's
 * automatic reconnect only covers later drops) and subscriptions are renewed on every connect.
 */
public final class HubMqtt implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HubMqtt.class);

    /** Receives each message on Paho's callback thread; may block to push back on the broker. */
    public interface Sink {
        void accept(String topic, byte[] payload, int messageId, int qos) throws InterruptedException;
    }

    private final MqttAsyncClient client;
    private final ScheduledExecutorService scheduler;
    private final String brokerUrl;
    private final long sessionExpirySeconds;
    private final javax.net.ssl.SSLSocketFactory tls;
    private volatile boolean closed;
    private volatile boolean subscribed;

    /** {@code tls} is used for {@code ssl://} brokers (mutual TLS with the hub's certificate). */
    public HubMqtt(String brokerUrl, String clientId, long sessionExpirySeconds, javax.net.ssl.SSLSocketFactory tls,
                   ScheduledExecutorService scheduler, Sink sink) {
        this.brokerUrl = brokerUrl;
        this.tls = tls;
        this.sessionExpirySeconds = sessionExpirySeconds;
        this.scheduler = scheduler;
        try {
            this.client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new HubException("invalid broker address " + brokerUrl + ": " + e.getMessage(), e);
        }
        client.setManualAcks(true);
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                subscribed = false;
                LOG.warn("disconnected from {}: {}", brokerUrl, response.getReasonString());
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                LOG.warn("MQTT error from {}: {}", brokerUrl, exception.toString());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                sink.accept(topic, message.getPayload(), message.getId(), message.getQos());
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
                // receipts are fire-and-forget: a lost one is answered again when the device resends
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                LOG.info("{} to {}", reconnect ? "reconnected" : "connected", serverURI);
                subscribe();
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
                // no enhanced authentication
            }
        });
    }

    /** Starts connecting in the background; returns at once. */
    public void start() {
        scheduler.execute(() -> connect(1));
    }

    /** Connected and subscribed: reports published from now on reach the hub. */
    public boolean isConnected() {
        return client.isConnected() && subscribed;
    }

    public void publish(String topic, byte[] payload) {
        try {
            client.publish(topic, payload, 1, false);
        } catch (MqttException e) {
            LOG.warn("receipt for {} not sent ({}): the device will resend and get it again", topic, e.toString());
        }
    }

    public void acknowledge(int messageId, int qos) {
        try {
            client.messageArrivedComplete(messageId, qos);
        } catch (MqttException e) {
            LOG.warn("could not acknowledge message {} ({}): the broker will deliver it again", messageId,
                    e.toString());
        }
    }

    private void connect(int attempt) {
        if (closed) {
            return;
        }
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(sessionExpirySeconds);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 30);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        if (brokerUrl.startsWith("ssl:")) {
            options.setSocketFactory(tls);
            options.setHttpsHostnameVerificationEnabled(true);
        }
        try {
            client.connect(options).waitForCompletion(15_000);
        } catch (MqttException e) {
            long delay = Math.min(30, 1L << Math.min(attempt - 1, 5));
            LOG.warn("cannot connect to broker {} (attempt {}: {}), retrying in {} s", brokerUrl, attempt,
                    e.getMessage(), delay);
            if (!closed) {
                scheduler.schedule(() -> connect(attempt + 1), delay, TimeUnit.SECONDS);
            }
        }
    }

    private void subscribe() {
        MqttSubscription[] subscriptions = Topics.REPORT_FILTERS.stream()
                .map(filter -> new MqttSubscription(filter, 1)).toArray(MqttSubscription[]::new);
        try {
            client.subscribe(subscriptions, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    subscribed = true;
                    LOG.info("subscribed to {}", Topics.REPORT_FILTERS);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable exception) {
                    LOG.error("broker refused the subscription to {}: {}", Topics.REPORT_FILTERS,
                            exception.toString());
                }
            }, null);
        } catch (MqttException e) {
            LOG.error("cannot subscribe to {}", Topics.REPORT_FILTERS, e);
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
            LOG.debug("disconnect: {}", e.toString());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("close: {}", e.toString());
        }
    }
}
