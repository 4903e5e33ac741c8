package org.rts.demo.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.rts.demo.load.Fleet.Message;
import org.rts.hub.mqtt.TopicAliases;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Reason;
import org.rts.protocol.merkle.LoggedReceipt;
import org.rts.protocol.message.Receipt;

/**
 * Sends units' messages through a broker the way units do, and collects the hub's receipts. Each unit keeps at
 * most {@code window} messages awaiting a receipt, oldest first; a message answered with a sequence gap while
 * earlier ones are pending goes again as soon as they are answered; one without a receipt after {@code resendAfter}
 * or a reconnect. A few MQTT connections carry every unit's messages (a plain broker, no per-unit ACL), so
 * thousands of units need no thousands of connections. Unit state is kept on one thread.
 */
public final class Traffic implements AutoCloseable {
    /** The final answer to a message: chained (accepted or rejected on content), or refused for good. */
    public record Outcome(Message message, Receipt receipt, byte[] receiptBytes, long firstSentNanos,
                          long answeredNanos) {
        public long latencyNanos() {
            return answeredNanos - firstSentNanos;
        }
    }

    private static final class UnitState {
        final LinkedHashMap<String, Message> pending = new LinkedHashMap<>();
        final Map<String, Long> inFlight = new HashMap<>();
        final Set<String> afterEarlier = new HashSet<>();
        final int connection;

        UnitState(int connection) {
            this.connection = connection;
        }
    }

    private final String election;
    private final List<MqttAsyncClient> publishers = new ArrayList<>();
    /** Publishers connected with topic aliases off: a reconnected one waits for its connectComplete. */
    private final Set<MqttAsyncClient> ready = ConcurrentHashMap.newKeySet();
    private final MqttAsyncClient listener;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "traffic");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, UnitState> units = new HashMap<>();
    private final Map<String, Long> firstSent = new HashMap<>();
    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    private final int window;
    private final long resendAfterNanos;
    private final AtomicLong publishes = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();
    private final AtomicLong resends = new AtomicLong();
    private final AtomicLong watched = new AtomicLong();
    private volatile long lastWatchedNanos;
    private volatile boolean closed;
    private final String[] brokerUrls;

    /**
     * Connects {@code connections} publishers and one receipt listener to {@code brokerUrl}.
     *
     * @param window how many messages a unit sends before it waits for a receipt ({@code Integer.MAX_VALUE}: all)
     */
    public Traffic(String brokerUrl, String election, int connections, int window, Duration resendAfter)
            throws MqttException {
        this(List.of(brokerUrl), election, connections, window, resendAfter);
    }

    /**
     * Connects to the first of {@code brokerUrls}, as units with several edges do: a connection lost reconnects
     * to the first of them that answers.
     */
    public Traffic(List<String> brokerUrls, String election, int connections, int window, Duration resendAfter)
            throws MqttException {
        String brokerUrl = brokerUrls.get(0);
        this.brokerUrls = brokerUrls.toArray(String[]::new);
        this.election = election;
        this.window = window;
        this.resendAfterNanos = resendAfter.toNanos();
        String tag = Long.toString(System.nanoTime(), 36);
        for (int i = 0; i < connections; i++) {
            MqttAsyncClient c = new MqttAsyncClient(brokerUrl, "load-pub-" + i + "-" + tag, new MemoryPersistence());
            c.setCallback(new Callback(c));
            c.connect(options()).waitForCompletion(10_000);
            TopicAliases.disable(c);
            ready.add(c);
            publishers.add(c);
        }
        listener = new MqttAsyncClient(brokerUrl, "load-receipts-" + tag, new MemoryPersistence());
        listener.setCallback(new Callback(listener));
        listener.connect(options()).waitForCompletion(10_000);
        listener.subscribe(Topics.devices(election) + "+/" + Topics.RECEIPT, 1).waitForCompletion(10_000);
        loop.scheduleWithFixedDelay(this::resendDue, 100, 100, TimeUnit.MILLISECONDS);
    }

    private MqttConnectionOptions options() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setServerURIs(brokerUrls);
        o.setCleanStart(true);
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, 5);
        o.setKeepAliveInterval(30);
        o.setSocketFactory(org.rts.protocol.pki.NoDelaySockets.plain()); // as the units' own connections
        return o;
    }

    /** Hands messages to their units, which send them as their windows allow. */
    public void send(List<Message> messages) {
        loop.execute(() -> {
            Set<UnitState> touched = new HashSet<>();
            for (Message m : messages) {
                UnitState u = units.computeIfAbsent(m.unit().id(), id -> new UnitState(
                        Math.floorMod(id.hashCode(), publishers.size())));
                u.pending.put(m.hash(), m);
                touched.add(u);
            }
            touched.forEach(this::pump);
        });
    }

    /** Publishes each message once, tracking nothing: the raw rate a broker and a subscriber can take. */
    public void blast(List<Message> messages) {
        for (Message m : messages) {
            publish(publishers.get(Math.floorMod(m.unit().id().hashCode(), publishers.size())), m);
        }
    }

    /** Also receives what is published on {@code filter}, counting it ({@link #watched}). */
    public void watch(String filter) throws MqttException {
        listener.subscribe(filter, 1).waitForCompletion(10_000);
    }

    /** Messages received on watched filters, and when the last came ({@link System#nanoTime}). */
    public long watched() {
        return watched.get();
    }

    public long lastWatchedNanos() {
        return lastWatchedNanos;
    }

    /** Waits until {@code count} messages have their final answer; false on timeout. */
    public boolean awaitAnswers(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outcomes.size() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    public Collection<Outcome> outcomes() {
        return outcomes.values();
    }

    /** MQTT publishes made, resends among them included. */
    public long publishes() {
        return publishes.get();
    }

    /** Answers that a message came before the one before it (sent again once that one was answered). */
    public long gaps() {
        return gaps.get();
    }

    /** How many outcomes' receipts are leaves of the hub's log under a tree head signed with {@code hubKey}. */
    public static long genuine(Collection<Outcome> outcomes, org.bouncycastle.crypto.params.ECPublicKeyParameters hubKey,
                               String election) {
        LoggedReceipt.Checker checker = new LoggedReceipt.Checker(hubKey, election);
        return outcomes.parallelStream().filter(o -> {
            try {
                return checker.check(LoggedReceipt.decode(o.receiptBytes())).receipt().msg().equals(o.message().hash());
            } catch (org.rts.protocol.codec.MalformedMessageException e) {
                return false;
            }
        }).count();
    }

    /** Messages sent again for want of a receipt: none came in time, or their connection came back. */
    public long resends() {
        return resends.get();
    }

    private void pump(UnitState u) {
        long now = System.nanoTime();
        boolean first = true;
        for (Message m : u.pending.values()) {
            boolean oldest = first;
            first = false;
            if (u.afterEarlier.contains(m.hash())) {
                if (!oldest) {
                    continue;
                }
                u.afterEarlier.remove(m.hash());
            }
            Long sentAt = u.inFlight.get(m.hash());
            if (sentAt != null && now - sentAt < resendAfterNanos) {
                continue;
            }
            if (sentAt == null && u.inFlight.size() >= window) {
                break;
            }
            if (sentAt != null) {
                resends.incrementAndGet();
            }
            publish(publishers.get(u.connection), m);
            u.inFlight.put(m.hash(), now);
            firstSent.putIfAbsent(m.hash(), now);
        }
    }

    private void publish(MqttAsyncClient client, Message m) {
        while (!closed) {
            if (!ready.contains(client)) {
                LockSupport.parkNanos(1_000_000); // reconnecting
                continue;
            }
            try {
                client.publish(m.topic(), m.bytes(), 1, false);
                publishes.incrementAndGet();
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT
                        && e.getReasonCode() != MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED) {
                    throw new IllegalStateException("cannot publish on " + m.topic() + ": " + e, e);
                }
                LockSupport.parkNanos(200_000); // the broker's window is full, or the connection is coming back
            }
        }
    }

    private void resendDue() {
        long now = System.nanoTime();
        for (UnitState u : units.values()) {
            for (long sentAt : u.inFlight.values()) {
                if (now - sentAt >= resendAfterNanos) {
                    pump(u);
                    break;
                }
            }
        }
    }

    /** Sends again what the units of publisher {@code connection} (every unit: -1) have awaiting a receipt. */
    private void sendAgain(int connection) {
        units.values().stream().filter(u -> connection < 0 || u.connection == connection).forEach(u -> {
            u.inFlight.replaceAll((hash, sentAt) -> sentAt - resendAfterNanos); // due now
            pump(u);
        });
    }

    private void answered(Receipt receipt, byte[] bytes, long at) {
        UnitState u = units.get(receipt.device());
        Message m = u == null ? null : u.pending.get(receipt.msg());
        if (m == null || !receipt.topic().equals(m.topic())) {
            return; // a second answer to a message already settled
        }
        boolean sequence = receipt.has(Reason.SEQUENCE_GAP) || receipt.has(Reason.SEQUENCE_REPLAY)
                || receipt.has(Reason.CHAIN_BROKEN);
        boolean oldest = u.pending.keySet().iterator().next().equals(m.hash());
        boolean stale = receipt.has(Reason.SEQUENCE_GAP) && receipt.head() != null
                && receipt.head().seq() < m.seq() - 1; // decided before the confirmed message before it was stored
        if (!receipt.isFinal() && sequence && oldest && stale) {
            gaps.incrementAndGet();
            u.inFlight.remove(m.hash()); // as a unit does: it goes again
        } else if (!receipt.isFinal() && sequence && !oldest) {
            gaps.incrementAndGet();
            u.inFlight.remove(m.hash());
            u.afterEarlier.add(m.hash());
        } else {
            u.pending.remove(m.hash());
            u.inFlight.remove(m.hash());
            u.afterEarlier.remove(m.hash());
            outcomes.put(m.hash(), new Outcome(m, receipt, bytes, firstSent.remove(m.hash()), at));
        }
        pump(u);
    }

    @Override
    public void close() {
        closed = true;
        loop.shutdownNow();
        for (MqttAsyncClient c : publishers) {
            quietly(c);
        }
        quietly(listener);
    }

    private static void quietly(MqttAsyncClient c) {
        try {
            if (c.isConnected()) {
                c.disconnect().waitForCompletion(2_000);
            }
            c.close();
        } catch (MqttException ignored) {
            // closing anyway
        }
    }

    /** A publisher's or the listener's: the listener takes receipts and subscribes again, a publisher reconnects. */
    private final class Callback implements MqttCallback, MqttActionListener {
        private final MqttAsyncClient client;

        Callback(MqttAsyncClient client) {
            this.client = client;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            long at = System.nanoTime();
            if (!topic.endsWith("/" + Topics.RECEIPT)) {
                lastWatchedNanos = at;
                watched.incrementAndGet();
                return;
            }
            byte[] bytes = message.getPayload();
            Receipt receipt = MessageCodec.decodeReceipt(LoggedReceipt.decode(bytes).leaf()); // checked at the end
            loop.execute(() -> answered(receipt, bytes, at));
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            ready.remove(client); // automatic reconnect; connectComplete makes it ready and subscribes again
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            // reported through disconnected
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // receipts are what counts
        }

        /** After a reconnect, as units do, what awaits a receipt goes again: a killed edge took it along. */
        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            TopicAliases.disable(client);
            ready.add(client);
            int connection = publishers.indexOf(client); // -1: the listener
            if (reconnect && connection >= 0) {
                loop.execute(() -> sendAgain(connection));
            } else if (reconnect) {
                try { // every unit's, once subscribed: a receipt published while the listener was away is lost
                    listener.subscribe(Topics.devices(election) + "+/" + Topics.RECEIPT, 1, null, this);
                } catch (MqttException e) {
                    throw new IllegalStateException("cannot subscribe to receipts again: " + e, e);
                }
            }
        }

        @Override
        public void onSuccess(IMqttToken token) {
            loop.execute(() -> sendAgain(-1));
        }

        @Override
        public void onFailure(IMqttToken token, Throwable exception) {
            // not subscribed again: the listener reconnects again, or the units' timers send again
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }
}
