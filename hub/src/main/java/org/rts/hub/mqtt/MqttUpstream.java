package org.rts.hub.mqtt;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.rts.hub.forward.ForwardedMessage;
import org.rts.hub.forward.Upstream;

/**
 * Forwards to the tally centre's MQTT broker: QoS 1 on {@code rts/v1/<election>/tally/<kind>/<device>}, with the
 * message hash as user property {@code idempotency-key}. Delivered once the broker's PUBACK says so; a PUBACK that
 * refuses the message (not authorised, topic name or payload format invalid) is a refusal, any other failure
 * (broker down, TLS refused, timeout, another error reason code) is retried by the forwarder, while the
 * {@link Connection} reconnects in the background.
 */
public final class MqttUpstream implements Upstream {
    private static final long TIMEOUT_MILLIS = 30_000;
    /** PUBACK reason codes that refuse the message: not authorised, topic name invalid, payload format invalid. */
    private static final java.util.Set<Integer> REFUSALS = java.util.Set.of(0x87, 0x90, 0x99);

    private final String url;
    private final String election;
    private final String clientId;
    private final SSLContext tls;
    private Connection connection;
    private ScheduledExecutorService scheduler;

    public MqttUpstream(String url, String election, String clientId, SSLContext tls) {
        this.url = url;
        this.election = election;
        this.clientId = clientId;
        this.tls = tls;
    }

    @Override
    public java.time.Duration longestDelivery() {
        return java.time.Duration.ofMillis(TIMEOUT_MILLIS);
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
        Connection.Current c = connection().current();
        if (c == null || !connection.isUp()) {
            String error = connection.lastError();
            return new Retry("not connected to " + url + (error.isEmpty() ? " yet" : ": " + error), null);
        }
        try {
            MqttMessage m = new MqttMessage(body, 1, false, null);
            MqttProperties properties = new MqttProperties();
            properties.setUserProperties(List.of(new UserProperty("idempotency-key", message.idempotencyKey())));
            properties.setContentType("application/json");
            m.setProperties(properties);
            IMqttToken token = c.client().publish(topic(election, message.kind(), message.device()), m);
            token.waitForCompletion(TIMEOUT_MILLIS);
            int[] codes = token.getReasonCodes();
            if (codes != null && codes.length > 0 && REFUSALS.contains(codes[0])) {
                return new Refused("the broker answered reason code 0x" + Integer.toHexString(codes[0])
                        + (codes[0] == 0x87 ? " (not authorised: check its ACL for the hub)" : ""));
            }
            if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                return new Retry("the broker answered reason code 0x" + Integer.toHexString(codes[0]), null);
            }
            return new Delivered();
        } catch (MqttException e) {
            connection.reconnect(describe(e));
            return new Retry(describe(e), null);
        }
    }

    /** The connection, started at the first delivery and kept up in the background from then on. */
    private synchronized Connection connection() {
        if (connection == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "hub-forward-connect");
                t.setDaemon(true);
                return t;
            });
            connection = new Connection(url, clientId, () -> {
                MqttConnectionOptions options = new MqttConnectionOptions();
                options.setCleanStart(true);
                options.setAutomaticReconnect(false);
                options.setConnectionTimeout(10);
                options.setKeepAliveInterval(30);
                if (url.startsWith("ssl:")) {
                    options.setSocketFactory(tls.getSocketFactory());
                }
                return options;
            }, false, scheduler, Clock.systemUTC(), (client, generation, connack) -> { });
            connection.start();
        }
        return connection;
    }

    private static String describe(MqttException e) {
        Throwable cause = e.getCause();
        return "MQTT " + e.getReasonCode() + " " + e.getMessage() + (cause != null ? " (" + cause + ")" : "");
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
            scheduler.shutdownNow();
        }
    }
}
