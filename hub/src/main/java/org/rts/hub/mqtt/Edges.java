package org.rts.hub.mqtt;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.rts.hub.health.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's brokers: one for a hub that takes its reports from MQTT, every edge of a national deployment for a
 * Kafka-fed hub (each edge's connections carry its units' health in and their receipts out). Seen from the health
 * file as one source: connected when every edge is.
 */
public final class Edges implements Health.Source, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Edges.class);

    private final Map<String, HubMqtt> byName;
    private final String first;
    private final AtomicLong dropped = new AtomicLong();

    public Edges(Map<String, HubMqtt> byName) {
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("no broker to connect to");
        }
        this.byName = new LinkedHashMap<>(byName);
        this.first = byName.keySet().iterator().next();
    }

    public void start() {
        byName.values().forEach(HubMqtt::start);
    }

    /**
     * Publishes a receipt through the edge a report came from (the first when it names none this hub knows). A
     * receipt an edge cannot hold now is dropped and counted: its decision is stored, and the unit, not answered,
     * sends its message again, through whichever edge it is on.
     */
    public void publish(String edge, String topic, byte[] receipt) {
        HubMqtt via = edge == null ? null : byName.get(edge);
        if (via == null) {
            LOG.debug("receipt on {} for an unknown edge {}: sent through {}", topic, edge, first);
            via = byName.get(first);
        }
        if (!via.publish(topic, receipt) && dropped.getAndIncrement() % 1000 == 0) {
            LOG.warn("edge {} holds {} receipts already: receipt on {} dropped (the unit sends its message again)",
                    edge, HubMqtt.MAX_UNBOUND_RECEIPTS, topic);
        }
    }

    /** Receipts dropped because their edge was away too long. */
    public long droppedReceipts() {
        return dropped.get();
    }

    /**
     * Every second: sends a probe through each connected edge; an edge whose probe has not come back in
     * {@code timeoutMillis} while the hub is {@code idle} is not delivering, and its connection is replaced.
     */
    public void watch(boolean idle, long timeoutMillis, Runnable onDeaf) {
        byName.forEach((name, edge) -> {
            if (!edge.isConnected() || !edge.probe()) {
                return;
            }
            if (idle && edge.pendingAnswers() == 0 && edge.probeAge() > timeoutMillis) {
                onDeaf.run();
                edge.reconnect("no probe came back through " + name + " in " + edge.probeAge() + " ms while the"
                        + " hub was idle: the broker is not delivering to this connection");
            }
        });
    }

    /** Drops the incoming connections; the brokers deliver again what was not acknowledged. */
    public void reconnect(String why) {
        byName.values().forEach(edge -> edge.reconnect(why));
    }

    @Override
    public boolean isConnected() {
        return byName.values().stream().allMatch(HubMqtt::isConnected);
    }

    @Override
    public Instant connectedAt() {
        return byName.values().stream().map(HubMqtt::connectedAt).filter(java.util.Objects::nonNull)
                .max(Instant::compareTo).orElse(null);
    }

    @Override
    public long reconnects() {
        return byName.values().stream().mapToLong(HubMqtt::reconnects).sum();
    }

    @Override
    public String lastError() {
        return byName.entrySet().stream().filter(e -> !e.getValue().lastError().isEmpty())
                .map(e -> byName.size() == 1 ? e.getValue().lastError() : e.getKey() + ": " + e.getValue().lastError())
                .findFirst().orElse("");
    }

    @Override
    public long probeAge() {
        return byName.values().stream().mapToLong(HubMqtt::probeAge).max().orElse(-1);
    }

    @Override
    public void close() {
        byName.values().forEach(HubMqtt::close);
    }
}
