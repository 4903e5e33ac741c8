package org.rts.hub.mqtt;

import java.util.List;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.rts.hub.forward.ForwardedMessage;
import org.rts.hub.forward.Upstream;

/**
 * Forwards to the tally centre's MQTT broker: QoS 1 on {@code rts/v1/<election>/tally/<kind>/<device>}, with the
 * message hash as user property {@code idempotency-key}. Delivered once the broker's PUBACK says so; any failure
 * (broker down, TLS refused, timeout, error reason code) drops the connection and is retried.
 */
public final class MqttUpstream implements Upstream {
    private static final long TIMEOUT_MILLIS = 30_000;

    private final String url;
    private final String election;
    private final String clientId;
    private final SSLContext tls;
    private MqttAsyncClient client;

    public MqttUpstream(String url, String election, String clientId, SSLContext tls) {
        this.url = url;
        this.election = election;
        this.clientId = clientId;
        this.tls = tls;
    }

    @Override
    public String name() {
        return url;
    }

    /** Where forwarded messages of {@code kind} from {@code device} are published. */
    public static String topic(String election, String kind, String device) {
        return "rts/v1/" + election + "/tally/" + kind + "/" + device;
    }

    @Override
    public Outcome deliver(ForwardedMessage message, byte[] body) {
        try {
            MqttAsyncClient c = connected();
            MqttMessage m = new MqttMessage(body, 1, false, null);
            MqttProperties properties = new MqttProperties();
            properties.setUserProperties(List.of(new UserProperty("idempotency-key", message.idempotencyKey())));
            properties.setContentType("application/json");
            m.setProperties(properties);
            IMqttToken token = c.publish(topic(election, message.kind(), message.device()), m);
            token.waitForCompletion(TIMEOUT_MILLIS);
            int[] codes = token.getReasonCodes();
            if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                return new Retry("the broker answered reason code 0x" + Integer.toHexString(codes[0])
                        + " (not authorised for the topic? check its ACL for the hub)", null);
            }
            return new Delivered();
        } catch (MqttException e) {
            disconnect();
            return new Retry(describe(e), null);
        }
    }

    private MqttAsyncClient connected() throws MqttException {
        if (client != null && client.isConnected()) {
            return client;
        }
        disconnect();
        MqttAsyncClient c = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(30);
        if (url.startsWith("ssl:")) {
            options.setSocketFactory(tls.getSocketFactory());
        }
        try {
            c.connect(options).waitForCompletion(TIMEOUT_MILLIS);
            TopicAliases.disable(c);
        } catch (MqttException e) {
            c.close(true);
            throw e;
        }
        client = c;
        return c;
    }

    private void disconnect() {
        MqttAsyncClient c = client;
        client = null;
        if (c != null) {
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(0, 1000, false);
                }
                c.close(true);
            } catch (MqttException ignored) {
                // the connection is dropped either way
            }
        }
    }

    private static String describe(MqttException e) {
        Throwable cause = e.getCause();
        return "MQTT " + e.getReasonCode() + " " + e.getMessage() + (cause != null ? " (" + cause + ")" : "");
    }

    @Override
    public void close() {
        disconnect();
    }
}
