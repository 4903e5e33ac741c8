package org.rts.hub.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
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
import org.rts.hub.HubException;
import org.rts.hub.health.Health;
import org.rts.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's broker connection (Paho MQTT v5). The broker keeps the hub's session (clean start off, kept for the
 * configured expiry) and so queues device messages while the hub is away; a message is acknowledged only when
 * {@link Delivery#ack} is called, once its decision is stored.
 *
 * <p>A message with an answer is acknowledged only once the broker has taken the answer ({@link #answer}): if the
 * connection drops in between, the broker delivers the message again and the hub answers its resend with the same
 * receipt, so no receipt is lost with a connection.
 *
 * <p>Every connection attempt uses a fresh Paho client with nothing in flight: Paho's own reconnect would resend
 * an in-flight receipt under a topic alias of the old connection, which the broker answers by disconnecting, again
 * and again. Messages delivered on a connection that is gone are not acknowledged on the next one (packet ids
 * belong to a connection); the broker delivers them again after the reconnect.
 *
 * <p>{@link #probe()} publishes to the client's own probe topic; {@link #probeAge()} tells the hub's watchdog how
 * long a probe has been on its way, so that a connection that delivers nothing can be replaced by
 * {@link #reconnect}.
 */
public final class HubMqtt implements AutoCloseable, Health.Source {
    private static final Logger LOG = LoggerFactory.getLogger(HubMqtt.class);
    /** Largest packet the hub accepts from the broker: a report is at most 64 KiB; more is refused unread. */
    public static final long MAX_PACKET = 128 * 1024;

    /** Receives each message on Paho's thread; must not block. False means "not taken now". */
    public interface Sink {
        boolean offer(Delivery delivery);
    }

    /** A message and the means to acknowledge it on the connection that delivered it. */
    public record Delivery(String topic, byte[] payload, long connection, int messageId, int qos, HubMqtt via)
            implements org.rts.hub.admission.Delivery {
        /** Acknowledges to the broker, if the connection that delivered it is still the current one. */
        @Override
        public void ack() {
            via.acknowledge(this);
        }

        /** Publishes {@code receipt} on {@code topic}, then acknowledges this message once the broker has it. */
        @Override
        public void answer(String topic, byte[] receipt) {
            via.answer(this, topic, receipt);
        }
    }

    /**
     * Settings of the connection.
     *
     * @param shareGroup when set, the device topics are subscribed as the MQTT v5 shared subscription
     *                   {@code $share/<group>/...}: hubs of one group split the messages between them; the probe
     *                   stays a plain subscription of this client's own
     */
    public record Settings(String brokerUrl, String election, String clientId, String shareGroup,
                           long sessionExpirySeconds, int receiveMaximum, SSLSocketFactory tls) {
        String probeTopic() {
            return Topics.probe(election, clientId);
        }
    }

    private final Settings settings;
    private final ScheduledExecutorService scheduler;
    private final Sink sink;
    private final Clock clock;
    private final Object lock = new Object();
    private final AtomicLong reconnects = new AtomicLong();
    private MqttAsyncClient client;
    private long connection;
    /** The connection on which {@link TopicAliases} are off: receipts are published only on it. */
    private long aliasesOff;
    /** Receipts of the current connection waiting for the broker's window, oldest first. */
    private final java.util.ArrayDeque<Answer> answers = new java.util.ArrayDeque<>();
    private int answersInFlight;
    /** The broker's Receive Maximum for this connection, less one for the probe. */
    private int answerWindow = 1;
    private volatile boolean closed;
    private volatile boolean subscribed;
    private volatile boolean probing = true;
    private volatile Instant probeSentAt;
    private volatile Instant connectedAt;
    private volatile String lastError = "";
    private long probeCounter;

    public HubMqtt(Settings settings, ScheduledExecutorService scheduler, Clock clock, Sink sink) {
        this.settings = settings;
        this.scheduler = scheduler;
        this.clock = clock;
        this.sink = sink;
        if (!settings.brokerUrl().startsWith("tcp://") && !settings.brokerUrl().startsWith("ssl://")) {
            throw new HubException("invalid broker address " + settings.brokerUrl()
                    + ": use tcp://host:port or ssl://host:port");
        }
    }

    /** Starts connecting in the background; returns at once. */
    public void start() {
        scheduler.execute(() -> connect(1));
    }

    /** Connected and subscribed: reports published from now on reach the hub. */
    @Override
    public boolean isConnected() {
        synchronized (lock) {
            return client != null && client.isConnected() && subscribed;
        }
    }

    @Override
    public Instant connectedAt() {
        return connectedAt;
    }

    @Override
    public long reconnects() {
        return reconnects.get();
    }

    @Override
    public String lastError() {
        return lastError;
    }

    /** Publishes at QoS 1 without waiting; false when not connected or the client refused it. */
    public boolean publish(String topic, byte[] payload) {
        MqttAsyncClient c;
        synchronized (lock) {
            c = client;
        }
        if (c == null || !c.isConnected()) {
            return false;
        }
        try {
            c.publish(topic, payload, 1, false);
            return true;
        } catch (MqttException e) {
            LOG.warn("receipt on {} not sent ({}): the device will resend and get it again", topic, e.toString());
            return false;
        }
    }

    /** A receipt waiting for room in the broker's window, and the message it answers. */
    private record Answer(Delivery delivery, String topic, byte[] receipt) {
    }

    /** Queues {@code receipt}; receipts leave in order as the broker's window allows, never dropped. */
    void answer(Delivery d, String topic, byte[] receipt) {
        synchronized (lock) {
            if (d.connection() != connection) {
                return; // delivered again on the next connection, and answered then
            }
            answers.add(new Answer(d, topic, receipt));
            sendAnswers();
        }
    }

    /**
     * Publishes waiting receipts while fewer than the broker's Receive Maximum (less one slot kept for the probe)
     * are unacknowledged; each PUBACK sends the next. No timer, no retry storm: the window alone paces them.
     */
    private void sendAnswers() {
        synchronized (lock) {
            if (aliasesOff != connection || client == null || !client.isConnected()) {
                return; // not yet cleared of topic aliases: the connect sends them; gone: they come again
            }
            while (answersInFlight < answerWindow && !answers.isEmpty()) {
                Answer a = answers.poll();
                long generation = connection;
                try {
                    client.publish(a.topic(), a.receipt(), 1, false, null, new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            try {
                                acknowledge(a.delivery());
                            } finally {
                                answered(generation);
                            }
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable exception) {
                            LOG.debug("receipt on {} not taken by the broker ({}): the message comes again",
                                    a.topic(), exception.toString());
                            answered(generation);
                        }
                    });
                    answersInFlight++;
                } catch (MqttException e) {
                    if (e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                        // the client's window is fuller than ours (a probe in it): try again shortly
                        answers.addFirst(a);
                        scheduler.schedule(this::sendAnswers, 5, TimeUnit.MILLISECONDS);
                        return;
                    }
                    LOG.warn("receipt on {} not sent ({}): it and the {} behind it stay unacknowledged and come again"
                            + " on the next connection", a.topic(), e.toString(), answers.size());
                    return;
                }
            }
        }
    }

    /** Receipts queued or on their way to the broker on the current connection. */
    public int pendingAnswers() {
        synchronized (lock) {
            return answers.size() + answersInFlight;
        }
    }

    /** Receipts of an earlier connection are not sent: their messages come again and are answered then. */
    private void newConnection() {
        answers.clear();
        answersInFlight = 0;
    }

    private void answered(long generation) {
        synchronized (lock) {
            if (generation == connection) {
                answersInFlight--;
                sendAnswers();
            }
        }
    }

    void acknowledge(Delivery d) {
        synchronized (lock) {
            if (d.connection() != connection || client == null || !client.isConnected()) {
                return; // that connection is gone: the broker delivers the message again on the next one
            }
            try {
                client.messageArrivedComplete(d.messageId(), d.qos());
            } catch (MqttException e) {
                LOG.warn("could not acknowledge message {} ({}): the broker will deliver it again", d.messageId(),
                        e.toString());
            }
        }
    }

    /**
     * Sends a probe to the hub's own probe topic if none is on its way. Returns false when the broker refused the
     * probe subscription (an old ACL): the watchdog then cannot tell a silent broker from a quiet election.
     */
    public boolean probe() {
        if (!probing) {
            return false;
        }
        if (probeSentAt != null || !isConnected()) {
            return true;
        }
        probeSentAt = clock.instant();
        if (!publish(settings.probeTopic(), Long.toString(++probeCounter)
                .getBytes(StandardCharsets.US_ASCII))) {
            probeSentAt = null;
        }
        return true;
    }

    /** How long the probe now on its way has been travelling, in milliseconds; -1 when none is. */
    @Override
    public long probeAge() {
        Instant sent = probeSentAt;
        return sent == null ? -1 : clock.millis() - sent.toEpochMilli();
    }

    /** Drops the connection and starts a fresh one (the broker keeps the session and delivers anew). */
    public void reconnect(String why) {
        LOG.warn("reconnecting to {} with a fresh client: {}", settings.brokerUrl(), why);
        scheduler.execute(() -> {
            dropClient();
            connect(1);
        });
    }

    private MqttCallback callback(long generation) {
        return new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                lastError = "disconnected: " + (response.getException() != null ? response.getException().toString()
                        : "reason " + response.getReturnCode() + " " + response.getReasonString());
                LOG.warn("disconnected from {}: {}", settings.brokerUrl(), lastError);
                scheduler.execute(() -> {
                    synchronized (lock) {
                        if (generation != connection) {
                            return;
                        }
                    }
                    dropClient();
                    connect(1);
                });
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                LOG.warn("MQTT error from {}: {}", settings.brokerUrl(), exception.toString());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                if (topic.equals(settings.probeTopic())) {
                    probeSentAt = null;
                    new Delivery(topic, new byte[0], generation, message.getId(), message.getQos(), HubMqtt.this).ack();
                    return;
                }
                Delivery d = new Delivery(topic, message.getPayload(), generation, message.getId(), message.getQos(),
                        HubMqtt.this);
                if (!sink.offer(d)) {
                    LOG.debug("message {} on {} not taken now; the broker delivers it again", d.messageId(), topic);
                }
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
                // receipts are fire-and-forget: a lost one is answered again when the device resends
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                // subscriptions are made in connect(), off Paho's thread
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
                // no enhanced authentication
            }
        };
    }

    private void connect(int attempt) {
        if (closed) {
            return;
        }
        MqttAsyncClient fresh;
        long generation;
        synchronized (lock) {
            if (client != null) {
                return;
            }
            try {
                fresh = new MqttAsyncClient(settings.brokerUrl(), settings.clientId(), new MemoryPersistence());
            } catch (MqttException e) {
                throw new HubException("invalid broker address " + settings.brokerUrl() + ": " + e.getMessage(), e);
            }
            generation = ++connection;
            newConnection();
            fresh.setManualAcks(true);
            fresh.setCallback(callback(generation));
            client = fresh;
            subscribed = false;
            probeSentAt = null;
        }
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(settings.sessionExpirySeconds());
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        options.setMaximumPacketSize(MAX_PACKET);
        options.setTopicAliasMaximum(0);
        options.setReceiveMaximum(settings.receiveMaximum());
        if (settings.brokerUrl().startsWith("ssl:")) {
            options.setSocketFactory(settings.tls());
            options.setHttpsHostnameVerificationEnabled(true);
        }
        try {
            IMqttToken connected = fresh.connect(options);
            connected.waitForCompletion(15_000);
            TopicAliases.disable(fresh);
            Integer receiveMaximum = connected.getResponseProperties() == null ? null
                    : connected.getResponseProperties().getReceiveMaximum();
            synchronized (lock) {
                aliasesOff = generation;
                answerWindow = Math.max(1, (receiveMaximum == null ? 65_535 : receiveMaximum) - 1);
            }
            sendAnswers();
            subscribe(fresh);
            connectedAt = clock.instant();
            if (attempt > 1 || generation > 1) {
                reconnects.incrementAndGet();
            }
            LOG.info("connected to {} as {} and subscribed", settings.brokerUrl(), settings.clientId());
        } catch (MqttException e) {
            lastError = "cannot connect: " + e;
            synchronized (lock) {
                if (client == fresh) {
                    dropClient();
                }
            }
            if (closed) {
                return;
            }
            long delay = Math.min(30, 1L << Math.min(attempt - 1, 5));
            LOG.warn("cannot connect to broker {} (attempt {}: {}), retrying in {} s", settings.brokerUrl(), attempt,
                    e.getMessage(), delay);
            scheduler.schedule(() -> connect(attempt + 1), delay, TimeUnit.SECONDS);
        }
    }

    private void subscribe(MqttAsyncClient c) throws MqttException {
        // reports are shared among the hubs of a group; every hub hears every unit's health, so each knows them all
        java.util.List<String> filters = new java.util.ArrayList<>(Topics.reportFilters(settings.election()).stream()
                .map(filter -> settings.shareGroup() == null ? filter : "$share/" + settings.shareGroup() + "/" + filter)
                .toList());
        filters.addAll(Topics.healthFilters(settings.election()));
        MqttSubscription[] subscriptions = filters.stream()
                .map(filter -> new MqttSubscription(filter, 1)).toArray(MqttSubscription[]::new);
        IMqttToken token = c.subscribe(subscriptions, null, null, (MqttProperties) null);
        token.waitForCompletion(15_000);
        int[] codes = token.getReasonCodes();
        for (int i = 0; codes != null && i < codes.length; i++) {
            if (codes[i] > 2) {
                throw new MqttException(codes[i], new HubException("the broker refused the subscription to "
                        + subscriptions[i].getTopic() + " (reason " + codes[i] + "): check the hub's ACL entry"));
            }
        }
        IMqttToken probeToken = c.subscribe(new MqttSubscription[] {new MqttSubscription(
                settings.probeTopic(), 1)}, null, null, (MqttProperties) null);
        probeToken.waitForCompletion(15_000);
        int[] probeCodes = probeToken.getReasonCodes();
        probing = probeCodes == null || probeCodes.length == 0 || probeCodes[0] <= 2;
        if (!probing) {
            LOG.warn("the broker refused the probe topic {} (reason {}): the hub cannot check that deliveries still"
                    + " flow; write the broker configuration again with 'provisioning broker'",
                    settings.probeTopic(), probeCodes[0]);
        }
        subscribed = true;
    }

    /** Closes the current client, whatever state it is in; nothing it delivered is acknowledged any more. */
    private void dropClient() {
        MqttAsyncClient old;
        synchronized (lock) {
            old = client;
            client = null;
            subscribed = false;
            probeSentAt = null;
            connection++;
            newConnection();
        }
        if (old == null) {
            return;
        }
        try {
            if (old.isConnected()) {
                old.disconnectForcibly(0, 1000, false);
            }
        } catch (MqttException e) {
            LOG.debug("disconnect: {}", e.toString());
        }
        try {
            old.close(true);
        } catch (MqttException e) {
            LOG.debug("close: {}", e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        MqttAsyncClient c;
        synchronized (lock) {
            c = client;
        }
        try {
            if (c != null && c.isConnected()) {
                c.disconnect().waitForCompletion(5_000);
            }
        } catch (MqttException e) {
            LOG.debug("disconnect: {}", e.toString());
        }
        dropClient();
    }
}
