package org.rts.agent.mqtt;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
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
import org.rts.protocol.Topics;
import org.rts.protocol.message.Presence;
import org.rts.protocol.pki.NoDelaySockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unit's broker connection (Paho MQTT v5, memory persistence, clean start: the outbox is the durable copy).
 * Connects and reconnects itself with exponential backoff, since Paho's automatic reconnect never starts when the
 * first connect fails, with a fresh client each time (nothing in flight crosses connections), and subscribes to
 * the unit's receipt topic on every connection.
 *
 * <p>With several edge brokers (independent, with the same certificates, ACL and CRL) the unit starts at the edge
 * its device id ranks first ({@link Edges}) and, whenever its edge fails (the connection is lost, or a connect
 * fails or is refused), tries the next one: the backoff grows only after a round over every edge, and the
 * keep-alive and first-round connect timeout are short, so a unit whose edge dies is on the next edge, if that one
 * is up, within 15 s.
 *
 * <p>A broker that refuses the unit's certificate (revoked, unknown CA, expired) or identity is told apart from a
 * network fault and reported through {@link Listener#refused} once every edge has been tried without a connection:
 * waiting will not mend it.
 */
public final class AgentLink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLink.class);
    /** Largest packet the unit accepts from the broker: a receipt is a few hundred bytes. */
    public static final long MAX_PACKET = 64 * 1024;
    /** Keep-alive with one broker (s): a stall of the unit's link up to 1.5 times this keeps the connection. */
    static final int KEEP_ALIVE = 30;
    /**
     * Keep-alive with several edges (s): a silent edge is given up within twice this, leaving time to reach the
     * next within 15 s; the broker drops a unit silent for 1.5 times this.
     */
    static final int FAILOVER_KEEP_ALIVE = 5;
    /** Connect timeout with one broker, and after a first round over every edge (s): a slow link may need it. */
    static final int CONNECT_TIMEOUT = 10;
    /** Connect timeout on a first round over several edges (s): an edge that does not answer costs about this. */
    static final int FAILOVER_CONNECT_TIMEOUT = 5;
    /** First wait before a connection attempt (ms), doubled after each round over every edge up to the maximum. */
    static final long FIRST_BACKOFF = 500;

    /** Told about connections and receipts; called on Paho's or the link's thread, so it must not block. */
    public interface Listener {
        void connected();

        /** The broker refused this unit: {@code why} says how, for the officer and the technician. */
        void refused(String why);

        void receipt(byte[] payload);

        /** The hub's answer to a piece of a form's photo. */
        default void photoAnswer(byte[] payload) {
        }
    }

    private final Edges edges;
    private final String deviceId;
    private final String clientId;
    private final String receiptTopic;
    private final String photoAnswerTopic;
    private final ScheduledExecutorService scheduler;
    private final long maxBackoffMillis;
    private final SSLSocketFactory tls;
    private volatile MqttAsyncClient client;
    /** {@link #client} once connected with {@link TopicAliases} off: what publishes go through. */
    private volatile MqttAsyncClient ready;
    private volatile Listener listener;
    private volatile boolean closed;
    private volatile PresenceSigner presence;
    private long session;
    /** Failed connection attempts since the last connection (link thread only). */
    private int failedInARow;
    /** The last refusal by an edge since the last connection, or null (link thread only). */
    private String refusedWhy;

    /**
     * Signs the unit's presence for a connection session: {@code ONLINE} is published once connected, {@code LOST}
     * is left with the broker as the connection's will, {@code OFFLINE} is published on a clean stop.
     */
    public interface PresenceSigner {
        String topic();

        byte[] sign(long session, Presence.State state);
    }

    /**
     * {@code brokerUrls}: every edge broker the unit may use (one or more). {@code tls} is used for {@code ssl://}
     * brokers: the unit's certificate, trusting only the election CA.
     */
    public AgentLink(List<String> brokerUrls, String deviceId, String clientId, String receiptTopic,
                     ScheduledExecutorService scheduler, long maxBackoffMillis, SSLSocketFactory tls) {
        this.edges = new Edges(deviceId, brokerUrls);
        this.tls = tls;
        this.deviceId = deviceId;
        this.clientId = clientId;
        this.receiptTopic = receiptTopic;
        this.photoAnswerTopic = receiptTopic.substring(0, receiptTopic.lastIndexOf('/') + 1) + Topics.PHOTO_ANSWER;
        this.scheduler = scheduler;
        this.maxBackoffMillis = maxBackoffMillis;
    }

    /** Starts connecting in the background and reports to {@code listener}. */
    public void start(Listener listener) {
        this.listener = listener;
        scheduler.execute(() -> connect(1));
    }

    public boolean isConnected() {
        MqttAsyncClient c = ready;
        return c != null && c.isConnected();
    }

    /** From the next connection on, the unit announces itself and leaves a signed will. */
    public void presence(PresenceSigner signer) {
        this.presence = signer;
    }

    /** The current connection's session number (0 before the first connection). */
    public synchronized long session() {
        return session;
    }

    /** A new session number: the time in milliseconds, and always above the last one. */
    private synchronized long nextSession() {
        session = Math.max(session + 1, System.currentTimeMillis());
        return session;
    }

    /**
     * Publishes at QoS 0 without waiting (telemetry: the next one replaces a lost one, and it never takes a slot a
     * report needs); false when not connected.
     */
    public boolean publishVolatile(String topic, byte[] payload) {
        return publish(topic, payload, 0);
    }

    /** Publishes at QoS 1 without waiting; false when not connected or the client refused. */
    public boolean publish(String topic, byte[] payload) {
        return publish(topic, payload, 1);
    }

    private boolean publish(String topic, byte[] payload, int qos) {
        MqttAsyncClient c = ready;
        if (c == null || !c.isConnected()) {
            return false;
        }
        try {
            c.publish(topic, payload, qos, false);
            return true;
        } catch (MqttException e) {
            LOG.atLevel(qos == 0 ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.WARN).log(
                    "[{}] publish on {} failed ({}): will retry", deviceId, topic, e.toString());
            return false;
        }
    }

    private MqttCallback callback(MqttAsyncClient owner) {
        return new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                scheduler.execute(() -> {
                    if (client == owner) {
                        String lost = edges.describe();
                        drop();
                        String next = edges.next();
                        LOG.warn("[{}] connection to {} lost: {}{}", deviceId, lost,
                                response.getException() != null ? response.getException().getMessage()
                                        : response.getReasonString(), edges.size() > 1 ? "; next: " + next : "");
                        scheduleConnect(1, backoff(1));
                    }
                });
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                LOG.warn("[{}] MQTT error: {}", deviceId, exception.toString());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                if (topic.equals(photoAnswerTopic)) {
                    listener.photoAnswer(message.getPayload());
                } else {
                    listener.receipt(message.getPayload());
                }
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
        };
    }

    /** Rounds over every edge that attempt number {@code attempt} (from 1) completes. */
    private int round(int attempt) {
        return (attempt - 1) / edges.size();
    }

    /** The wait before attempt {@code attempt}: the first round over the edges goes at the first wait. */
    long backoff(int attempt) {
        return Math.min(maxBackoffMillis, FIRST_BACKOFF << Math.min(round(attempt), 10));
    }

    private void scheduleConnect(int attempt, long delayMillis) {
        if (closed) {
            return;
        }
        scheduler.schedule(() -> connect(attempt), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void connect(int attempt) {
        if (closed || isConnected()) {
            return;
        }
        drop();
        String brokerUrl = edges.current();
        MqttAsyncClient fresh;
        try {
            fresh = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new AgentException("invalid broker address " + brokerUrl + ": " + e.getMessage(), e);
        }
        fresh.setCallback(callback(fresh));
        client = fresh;
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        boolean failover = edges.size() > 1;
        int timeout = failover && round(attempt) == 0 ? FAILOVER_CONNECT_TIMEOUT : CONNECT_TIMEOUT;
        options.setKeepAliveInterval(failover ? FAILOVER_KEEP_ALIVE : KEEP_ALIVE);
        options.setConnectionTimeout(timeout);
        options.setMaximumPacketSize(MAX_PACKET);
        options.setTopicAliasMaximum(0);
        if (brokerUrl.startsWith("ssl:")) {
            options.setSocketFactory(tls);
            options.setHttpsHostnameVerificationEnabled(true);
        } else {
            options.setSocketFactory(NoDelaySockets.plain());
        }
        PresenceSigner announcer = presence;
        long thisSession = announcer == null ? 0 : nextSession();
        if (announcer != null) {
            options.setWill(announcer.topic(), new MqttMessage(announcer.sign(thisSession,
                    Presence.State.LOST), 1, false, null));
        }
        try {
            fresh.connect(options).waitForCompletion(timeout * 1000L + 5_000); // a broker that never answers
            TopicAliases.disable(fresh);
            IMqttToken subscription = fresh.subscribe(new String[] {receiptTopic, photoAnswerTopic}, new int[] {1, 1});
            subscription.waitForCompletion(15_000);
            int[] granted = subscription.getReasonCodes() == null ? new int[2] : subscription.getReasonCodes();
            if (granted[0] > 2) {
                throw new MqttException(granted[0]);
            } else if (granted.length > 1 && granted[1] > 2) {
                LOG.warn("[{}] the broker refused {} (an older ACL): form photos wait", deviceId, photoAnswerTopic);
            }
            ready = fresh; // reports go out only once their receipts can come back
            failedInARow = 0;
            refusedWhy = null;
            LOG.info("[{}] connected to {}", deviceId, edges.describe());
            if (announcer != null) {
                fresh.publish(announcer.topic(), announcer.sign(thisSession,
                        Presence.State.ONLINE), 1, false);
            }
            listener.connected();
        } catch (MqttException e) {
            if (closed) {
                return;
            }
            drop();
            failed(attempt, e);
        }
    }

    /**
     * After a failed attempt: on to the next edge. A refusal is reported once every edge has been tried since the
     * last connection (another edge may take the unit), and from then on the unit keeps trying, slowly: the
     * technician may mend it.
     */
    private void failed(int attempt, MqttException e) {
        String edge = edges.describe();
        failedInARow++;
        Optional<String> refusal = refusal(e);
        if (refusal.isPresent()) {
            refusedWhy = refusal.get();
            LOG.error("[{}] the broker {} refused this unit: {}", deviceId, edge, refusedWhy);
        } else {
            LOG.warn("[{}] cannot reach broker {} (attempt {}: {}); the message stays in the outbox", deviceId,
                    edge, attempt, describe(e));
        }
        edges.next();
        if (refusedWhy != null && failedInARow >= edges.size()) {
            listener.refused(refusedWhy);
            scheduleConnect(attempt + 1, maxBackoffMillis);
            return;
        }
        scheduleConnect(attempt + 1, backoff(attempt + 1));
    }

    /** Whether the failure says the broker refused this unit (rather than could not be reached), and how. */
    static Optional<String> refusal(MqttException e) {
        int code = e.getReasonCode();
        if (code == 0x86 || code == 0x87 || code == 0x8A || code == 0x8C) {
            return Optional.of("the broker does not accept this unit (MQTT reason " + code + ")");
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                for (String alert : new String[] {"certificate_revoked", "bad_certificate", "unknown_ca",
                        "certificate_unknown", "certificate_expired", "access_denied", "unsupported_certificate"}) {
                    if (m.contains(alert)) {
                        return Optional.of("the broker refused this unit's certificate (TLS alert " + alert + ")");
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String describe(MqttException e) {
        Throwable cause = e.getCause();
        return cause != null ? e.getMessage() + ": " + cause : e.getMessage();
    }

    private void drop() {
        MqttAsyncClient old = client;
        client = null;
        ready = null;
        if (old == null) {
            return;
        }
        try {
            if (old.isConnected()) {
                old.disconnectForcibly(0, 1000, false);
            }
        } catch (MqttException e) {
            LOG.debug("[{}] disconnect: {}", deviceId, e.toString());
        }
        try {
            old.close(true);
        } catch (MqttException e) {
            LOG.debug("[{}] close: {}", deviceId, e.toString());
        }
    }

    /** The connection dies as in a power cut, no goodbye: the broker publishes the will (demonstrations). */
    public void cut() {
        closed = true;
        drop();
    }

    @Override
    public void close() {
        closed = true;
        MqttAsyncClient c = client;
        try {
            if (c != null && c.isConnected()) {
                PresenceSigner announcer = presence;
                if (announcer != null) { // a clean goodbye: the broker then drops the will
                    c.publish(announcer.topic(), announcer.sign(session(),
                            Presence.State.OFFLINE), 1, false).waitForCompletion(10_000);
                }
                c.disconnect().waitForCompletion(5_000);
            }
        } catch (MqttException e) {
            LOG.debug("[{}] disconnect: {}", deviceId, e.toString());
        }
        drop();
    }
}
