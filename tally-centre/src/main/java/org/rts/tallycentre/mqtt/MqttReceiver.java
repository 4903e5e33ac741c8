package org.rts.tallycentre.mqtt;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.rts.tallycentre.intake.Intake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes at the tally centre's broker to {@code rts/v1/<election>/tally/#} (QoS 1, a persistent session of 7
 * days, client id {@code rts-receiver-<election>}) and acknowledges a message only once it is stored or refused: a
 * message the store could not take stays unacknowledged, and the broker delivers it again on the next session.
 */
public final class MqttReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttReceiver.class);

    private final MqttAsyncClient client;

    private MqttReceiver(MqttAsyncClient client) {
        this.client = client;
    }

    /**
     * Connects to {@code url} (TLS through {@code tls} for an {@code ssl:} URL, when given), waiting up to 30 s, and
     * reconnects on its own afterwards.
     */
    public static MqttReceiver start(String url, javax.net.ssl.SSLContext tls, String electionId, Intake intake) {
        try {
            MqttAsyncClient c = new MqttAsyncClient(url, "rts-receiver-" + electionId, new MemoryPersistence());
            c.setManualAcks(true);
            c.setCallback(new Callback(c, "rts/v1/" + electionId + "/tally/#", intake));
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(false);
            options.setSessionExpiryInterval(7L * 24 * 3600);
            options.setAutomaticReconnect(true);
            options.setAutomaticReconnectDelay(1, 5);
            if (url.startsWith("ssl:") && tls != null) {
                options.setSocketFactory(tls.getSocketFactory());
            }
            c.connect(options).waitForCompletion(30_000);
            LOG.info("receiving forwarded messages from {}", url);
            return new MqttReceiver(c);
        } catch (MqttException e) {
            throw new BrokerException(url, e.getReasonCode(), e.getMessage(), e);
        }
    }

    private record Callback(MqttAsyncClient client, String filter, Intake intake) implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            Intake.Outcome outcome = intake.take(message.getPayload());
            if (outcome.verdict() == Intake.Verdict.UNAVAILABLE) {
                return; // not acknowledged: the broker delivers it again on the next session
            }
            if (outcome.verdict() == Intake.Verdict.INVALID) {
                LOG.warn("forwarded message on {} refused: {}", topic, outcome.problem());
            }
            try {
                client.messageArrivedComplete(message.getId(), message.getQos());
            } catch (MqttException e) {
                LOG.warn("acknowledgement failed: {}", e.getMessage());
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            LOG.warn("receiver lost its broker: {}", response.getReasonString());
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("receiver MQTT error: {}", exception.getMessage());
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            try {
                client.subscribe(filter, 1);
            } catch (MqttException e) {
                LOG.warn("receiver cannot subscribe: {}", e.getMessage());
            }
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }

    @Override
    public void close() {
        try {
            client.disconnect().waitForCompletion(5_000);
        } catch (MqttException ignored) {
            // closing anyway
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // closing anyway
        }
    }
}
