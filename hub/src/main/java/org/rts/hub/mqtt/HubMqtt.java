package org.rts.hub.mqtt;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.rts.hub.health.Health;
import org.rts.protocol.Topics;
import org.rts.protocol.pki.NoDelaySockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's two broker connections. The first takes the devices' messages: the broker keeps its session (clean
 * start off, kept for the configured expiry) and so queues messages while the hub is away; a message is acknowledged
 * only when its {@code ack} is called, once its decision is stored. The second publishes the receipts and the
 * probes, so that they never wait behind a backlog the broker pushes down the first, and the broker's window for
 * them is theirs alone.
 *
 * <p>A message with an answer is acknowledged only once the broker has taken its receipt ({@link #answer}):
 * receipts leave in order as the broker's Receive Maximum allows, paced by PUBACKs; one whose connection drops is
 * sent again on the next. Messages delivered on a connection that is gone are not acknowledged on the next one
 * (packet ids belong to a connection); the broker delivers them again, and the hub answers them with the same
 * receipt.
 *
 * <p>{@link #probe()} publishes to the hub's own probe topic; {@link #probeAge()} tells the hub's watchdog how long
 * a probe has been on its way, so that a connection that delivers nothing can be replaced by {@link #reconnect}.
 */
public final class HubMqtt implements AutoCloseable, Health.Source {
    private static final Logger LOG = LoggerFactory.getLogger(HubMqtt.class);
    /** Largest packet the hub accepts from the broker: a report is at most 64 KiB; more is refused unread. */
    public static final long MAX_PACKET = 128 * 1024;

    /** Receives each message on Paho's thread; must not block. False means "not taken now". */
    public interface Sink {
        boolean offer(org.rts.hub.admission.Delivery delivery);
    }

    /**
     * Settings of the connections.
     *
     * @param shareGroup when set, the report topics are subscribed as the MQTT v5 shared subscription
     *                   {@code $share/<group>/...}: hubs of one group split the messages between them; the probe
     *                   stays a plain subscription of this client's own
     */
    public record Settings(String brokerUrl, String election, String clientId, String shareGroup,
                           long sessionExpirySeconds, int receiveMaximum, SSLSocketFactory tls, Takes takes) {
        String probeTopic() {
            return Topics.probe(election, clientId);
        }
    }

    /** Receipts published with no message to acknowledge, queued while the broker is away, at most. */
    static final int MAX_UNBOUND_RECEIPTS = 50_000;

    /** A receipt waiting for room in the broker's window, and the message it answers. */
    private record Answer(BrokerDelivery delivery, String topic, byte[] receipt) {
    }

    private final Settings settings;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Sink sink;
    private final Connection in;
    private final Connection out;
    private final Object lock = new Object();
    /** Receipts waiting for the broker's window, oldest first. */
    private final ArrayDeque<Answer> answers = new ArrayDeque<>();
    /** Receipts published on the current outgoing connection and not yet acknowledged by the broker. */
    private final List<Answer> inFlight = new ArrayList<>();
    /** The broker's Receive Maximum for the outgoing connection, less one for the probe. */
    private int answerWindow = 1;
    private volatile boolean probing = true;
    private volatile Instant probeSentAt;
    private long probeCounter;

    public HubMqtt(Settings settings, ScheduledExecutorService scheduler, Clock clock, Sink sink) {
        this.settings = settings;
        this.scheduler = scheduler;
        this.clock = clock;
        this.sink = sink;
        this.in = new Connection(settings.brokerUrl(), settings.clientId(), this::incomingOptions, true, scheduler,
                clock, new Incoming());
        this.out = new Connection(settings.brokerUrl(), settings.clientId() + "-out", this::outgoingOptions, false,
                scheduler, clock, new Outgoing());
    }

    /** Starts connecting in the background; returns at once. */
    public void start() {
        out.start();
        in.start();
    }

    /** Subscribed, and able to answer: reports published from now on reach the hub. */
    @Override
    public boolean isConnected() {
        return in.isUp() && out.isUp();
    }

    @Override
    public Instant connectedAt() {
        return in.connectedAt();
    }

    @Override
    public long reconnects() {
        return in.reconnects() + out.reconnects();
    }

    @Override
    public String lastError() {
        String incoming = in.lastError();
        return incoming.isEmpty() ? out.lastError() : incoming;
    }

    /** Drops the incoming connection and starts a fresh one (the broker keeps the session and delivers anew). */
    public void reconnect(String why) {
        probeSentAt = null;
        in.reconnect(why);
    }

    private MqttConnectionOptions incomingOptions() {
        MqttConnectionOptions o = common();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(settings.sessionExpirySeconds());
        o.setMaximumPacketSize(MAX_PACKET);
        o.setReceiveMaximum(settings.receiveMaximum());
        return o;
    }

    private MqttConnectionOptions outgoingOptions() {
        MqttConnectionOptions o = common();
        o.setCleanStart(true);
        o.setReceiveMaximum(16);
        return o;
    }

    private MqttConnectionOptions common() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout(10);
        o.setTopicAliasMaximum(0);
        if (settings.brokerUrl().startsWith("ssl:")) {
            o.setSocketFactory(settings.tls());
            o.setHttpsHostnameVerificationEnabled(true);
        } else {
            o.setSocketFactory(NoDelaySockets.plain());
        }
        return o;
    }

    /** The incoming connection: subscribes, hands each message to the sink, takes the probes back. */
    private final class Incoming implements Connection.Listener {
        @Override
        public void connected(MqttAsyncClient client, long generation, MqttProperties connack) throws MqttException {
            probing = Subscriptions.subscribe(client, settings);
        }

        @Override
        public void messageArrived(long generation, String topic, MqttMessage message) {
            BrokerDelivery d = new BrokerDelivery(topic, message.getPayload(), generation, message.getId(),
                    message.getQos(), HubMqtt.this);
            if (topic.equals(settings.probeTopic())) {
                probeSentAt = null;
                d.ack();
            } else if (!sink.offer(d)) {
                LOG.debug("message {} on {} not taken now; the broker delivers it again", d.messageId(), topic);
            }
        }

        @Override
        public void lost(long generation) {
            probeSentAt = null;
            synchronized (lock) {
                // their messages come again on the next connection and are answered then
                answers.removeIf(a -> a.delivery() != null && a.delivery().connection() == generation);
            }
        }
    }

    /** The outgoing connection: its window paces the receipts; what was in flight when it dropped goes again. */
    private final class Outgoing implements Connection.Listener {
        @Override
        public void connected(MqttAsyncClient client, long generation, MqttProperties connack) {
            Integer receiveMaximum = connack == null ? null : connack.getReceiveMaximum();
            synchronized (lock) {
                answerWindow = Math.max(1, (receiveMaximum == null ? 65_535 : receiveMaximum) - 1);
            }
            scheduler.execute(HubMqtt.this::sendAnswers);
        }

        @Override
        public void lost(long generation) {
            probeSentAt = null;
            synchronized (lock) {
                for (int i = inFlight.size() - 1; i >= 0; i--) {
                    answers.addFirst(inFlight.get(i));
                }
                inFlight.clear();
            }
        }
    }

    /** Queues {@code receipt}; receipts leave in order as the broker's window allows, never dropped. */
    void answer(BrokerDelivery d, String topic, byte[] receipt) {
        synchronized (lock) {
            if (!in.isCurrent(d.connection())) {
                return; // delivered again on the next connection, and answered then
            }
            answers.add(new Answer(d, topic, receipt));
        }
        sendAnswers();
    }

    /**
     * Publishes a receipt for a message that came another way (Kafka): it leaves in order with the others. While
     * the broker is away at most {@link #MAX_UNBOUND_RECEIPTS} wait; beyond, it is dropped and false returned (the
     * decision is stored: the unit, not answered, sends its message again and is answered from the store).
     */
    public boolean publish(String topic, byte[] receipt) {
        synchronized (lock) {
            if (answers.size() >= MAX_UNBOUND_RECEIPTS) {
                return false;
            }
            answers.add(new Answer(null, topic, receipt));
        }
        sendAnswers();
        return true;
    }

    /**
     * Publishes waiting receipts while fewer than the broker's Receive Maximum (less one slot kept for the probe)
     * are unacknowledged; each PUBACK sends the next. No timer, no retry storm: the window alone paces them.
     */
    private void sendAnswers() {
        synchronized (lock) {
            Connection.Current c = out.current();
            if (c == null || !out.isUp()) {
                return; // the next outgoing connection sends them
            }
            while (inFlight.size() < answerWindow && !answers.isEmpty()) {
                Answer a = answers.poll();
                if (a.delivery() != null && !in.isCurrent(a.delivery().connection())) {
                    continue; // its message comes again on the next incoming connection
                }
                try {
                    c.client().publish(a.topic(), a.receipt(), 1, false, null, new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            answered(a, c.generation(), true);
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable exception) {
                            LOG.debug("receipt on {} not taken by the broker ({}): sent again", a.topic(),
                                    exception.toString());
                            answered(a, c.generation(), false);
                        }
                    });
                    inFlight.add(a);
                } catch (MqttException e) {
                    answers.addFirst(a);
                    if (e.getReasonCode() == MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                        // the client's window is fuller than ours (a probe in it): try again shortly
                        scheduler.schedule(this::sendAnswers, 5, TimeUnit.MILLISECONDS);
                    } else {
                        LOG.warn("receipt on {} not sent ({}): it and the {} behind it wait for the next connection",
                                a.topic(), e.toString(), answers.size() - 1);
                    }
                    return;
                }
            }
        }
    }

    private void answered(Answer a, long generation, boolean taken) {
        synchronized (lock) {
            if (!out.isCurrent(generation) || !inFlight.remove(a)) {
                return; // that connection is gone: the receipt was put back and goes again
            }
            if (!taken) {
                answers.addFirst(a);
            }
        }
        if (taken && a.delivery() != null) {
            acknowledge(a.delivery());
        }
        scheduler.execute(this::sendAnswers);
    }

    /** Receipts queued or on their way to the broker. */
    public int pendingAnswers() {
        synchronized (lock) {
            return answers.size() + inFlight.size();
        }
    }

    void acknowledge(BrokerDelivery d) {
        if (d.qos() == 0) {
            return; // a photo's piece: nothing to acknowledge
        }
        Connection.Current c = in.current();
        if (c == null || c.generation() != d.connection() || !c.client().isConnected()) {
            return; // that connection is gone: the broker delivers the message again on the next one
        }
        try {
            c.client().messageArrivedComplete(d.messageId(), d.qos());
        } catch (MqttException e) {
            LOG.warn("could not acknowledge message {} ({}): the broker will deliver it again", d.messageId(),
                    e.toString());
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
        Connection.Current c = out.current();
        if (probeSentAt != null || !isConnected() || c == null) {
            return true;
        }
        probeSentAt = clock.instant();
        try {
            c.client().publish(settings.probeTopic(), Long.toString(++probeCounter)
                    .getBytes(StandardCharsets.US_ASCII), 1, false);
        } catch (MqttException e) {
            LOG.debug("probe not sent ({}): tried again in a second", e.toString());
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

    /** Disconnects both connections; what was not acknowledged is delivered again to the next session. */
    @Override
    public void close() {
        in.close();
        out.close();
    }
}
