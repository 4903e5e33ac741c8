package org.rts.hub.mqtt;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.rts.hub.HubException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's one way of holding a broker connection (Paho MQTT v5): every attempt uses a fresh client with nothing in
 * flight, topic aliases off ({@link TopicAliases}), retried after 1 s doubling to 30 s; a connection lost is
 * replaced the same way. Paho's own automatic reconnect is never used: it would resend what was in flight under
 * the old connection's topic aliases and packet ids. Each connection has a generation number, so that what
 * belongs to a connection that is gone (an acknowledgement, a receipt in flight) is recognised and dropped.
 */
final class Connection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
    private static final long WAIT_MILLIS = 15_000;

    /** What the owner does with the connection; called on Paho's or the scheduler's thread. */
    interface Listener {
        /** Connected, aliases off, nothing sent yet: subscribe here. An exception drops it and tries again. */
        void connected(MqttAsyncClient client, long generation, MqttProperties connack) throws MqttException;

        /** A message on {@code generation}; must not block. */
        default void messageArrived(long generation, String topic, MqttMessage message) {
        }

        /** Connection {@code generation} is gone (or never came up). */
        default void lost(long generation) {
        }
    }

    private final String url;
    private final String clientId;
    private final Supplier<MqttConnectionOptions> options;
    private final boolean manualAcks;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Listener listener;
    private final Object lock = new Object();
    private final AtomicLong reconnects = new AtomicLong();
    private MqttAsyncClient client;
    private long generation;
    private volatile boolean up;
    private volatile boolean closed;
    private volatile Instant connectedAt;
    private volatile String lastError = "";

    /** {@code options} makes the options of each attempt (a fresh object: Paho keeps a reference). */
    Connection(String url, String clientId, Supplier<MqttConnectionOptions> options, boolean manualAcks,
               ScheduledExecutorService scheduler, Clock clock, Listener listener) {
        if (!url.startsWith("tcp://") && !url.startsWith("ssl://")) {
            throw new HubException("invalid broker address " + url + ": use tcp://host:port or ssl://host:port");
        }
        this.url = url;
        this.clientId = clientId;
        this.options = options;
        this.manualAcks = manualAcks;
        this.scheduler = scheduler;
        this.clock = clock;
        this.listener = listener;
    }

    /** Starts connecting in the background; returns at once. */
    void start() {
        scheduler.execute(() -> connect(1));
    }

    /** Connected, and the listener's {@code connected} done. */
    boolean isUp() {
        synchronized (lock) {
            return up && client != null && client.isConnected();
        }
    }

    /** The current client and its generation, or null when there is none. */
    record Current(MqttAsyncClient client, long generation) {
    }

    Current current() {
        synchronized (lock) {
            return client == null ? null : new Current(client, generation);
        }
    }

    boolean isCurrent(long g) {
        synchronized (lock) {
            return client != null && g == generation;
        }
    }

    Instant connectedAt() {
        return connectedAt;
    }

    long reconnects() {
        return reconnects.get();
    }

    String lastError() {
        return lastError;
    }

    /** Drops the connection and starts a fresh one. */
    void reconnect(String why) {
        LOG.warn("reconnecting to {} as {} with a fresh client: {}", url, clientId, why);
        scheduler.execute(() -> {
            drop();
            connect(1);
        });
    }

    private void connect(int attempt) {
        if (closed) {
            return;
        }
        MqttAsyncClient fresh;
        long g;
        synchronized (lock) {
            if (client != null) {
                return;
            }
            try {
                fresh = new MqttAsyncClient(url, clientId, new MemoryPersistence());
            } catch (MqttException e) {
                throw new HubException("invalid broker address " + url + ": " + e.getMessage(), e);
            }
            g = ++generation;
            fresh.setManualAcks(manualAcks);
            fresh.setCallback(callback(g));
            client = fresh;
        }
        try {
            IMqttToken connected = fresh.connect(options.get());
            connected.waitForCompletion(WAIT_MILLIS);
            TopicAliases.disable(fresh);
            listener.connected(fresh, g, connected.getResponseProperties());
            synchronized (lock) {
                up = client == fresh;
            }
            connectedAt = clock.instant();
            if (attempt > 1 || g > 1) {
                reconnects.incrementAndGet();
            }
            LOG.info("connected to {} as {}", url, clientId);
        } catch (MqttException | RuntimeException e) {
            lastError = "cannot connect: " + e;
            boolean current;
            synchronized (lock) {
                current = client == fresh;
            }
            if (current) {
                drop(); // outside the lock: the listener's lost() takes its owner's lock
            }
            if (closed) {
                return;
            }
            long delay = Math.min(30, 1L << Math.min(attempt - 1, 5));
            LOG.warn("cannot connect to broker {} as {} (attempt {}: {}), retrying in {} s", url, clientId, attempt,
                    e.getMessage(), delay);
            scheduler.schedule(() -> connect(attempt + 1), delay, TimeUnit.SECONDS);
        }
    }

    private MqttCallback callback(long g) {
        return new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                lastError = "disconnected: " + (response.getException() != null ? response.getException().toString()
                        : "reason " + response.getReturnCode() + " " + response.getReasonString());
                LOG.warn("{} disconnected from {}: {}", clientId, url, lastError);
                scheduler.execute(() -> {
                    if (isCurrent(g)) {
                        drop();
                        connect(1);
                    }
                });
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                LOG.warn("MQTT error from {}: {}", url, exception.toString());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                listener.messageArrived(g, topic, message);
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
                // each publish has its own listener
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                // the owner's work is done in connect(), off Paho's thread
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
                // no enhanced authentication
            }
        };
    }

    /** Closes the current client, whatever state it is in; what it had in flight belongs to no one any more. */
    private void drop() {
        MqttAsyncClient old;
        long g;
        synchronized (lock) {
            old = client;
            g = generation;
            client = null;
            up = false;
            generation++;
        }
        if (old == null) {
            return;
        }
        listener.lost(g);
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

    /** Disconnects cleanly if it can, then drops the client; no reconnect after this. */
    @Override
    public void close() {
        closed = true;
        Current c = current();
        try {
            if (c != null && c.client().isConnected()) {
                c.client().disconnect().waitForCompletion(5_000);
            }
        } catch (MqttException e) {
            LOG.debug("disconnect: {}", e.toString());
        }
        drop();
    }
}
