package org.rts.hub.forward;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.rts.hub.StoreException;
import org.rts.hub.health.HealthReport;
import org.rts.hub.store.ForwardQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's forwarders, one per tally centre, each draining its queue through a connection of its own; and the
 * queues' state for the health file and the metrics, read through one more.
 */
public final class Forwarders implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarders.class);

    private final List<Forwarder> forwarders = new ArrayList<>();
    private final String store;
    private final String holder;
    private final String election;
    private final Clock clock;
    private final java.time.Duration refusedFor;
    private ForwardQueue status;
    private volatile List<HealthReport.Forwarding> last = List.of();

    /**
     * {@code holder} names this hub in the queues' leases; {@code refusedFor}: see {@link Forwarding#refusedFor}.
     * Nothing starts before {@link #start}.
     */
    public Forwarders(String store, String holder, String election, Clock clock, java.time.Duration refusedFor) {
        this.refusedFor = refusedFor;
        this.store = store;
        this.holder = holder;
        this.election = election;
        this.clock = clock;
    }

    /** Starts a forwarder for each upstream; an upstream not started is closed. */
    public void start(List<Upstream> upstreams) {
        if (upstreams.isEmpty()) {
            return;
        }
        status = ForwardQueue.open(store);
        for (Upstream u : upstreams) {
            forwarders.add(new Forwarder(ForwardQueue.open(store), u, holder, election, clock, refusedFor).start());
            LOG.info("forwarding accepted messages to {}", u.name());
        }
    }

    /** Something accepted was queued: the forwarders look now. */
    public void wake() {
        forwarders.forEach(Forwarder::wake);
    }

    /** The upstreams refusing messages now: each opens an alert in the operations room. */
    public synchronized List<Forwarder.Refusing> refusing() {
        return forwarders.stream().flatMap(f -> f.refusing().stream()).toList();
    }

    /**
     * Each upstream's queue (waiting, lag, delivered, refused, last failure) as {@link #refresh} last read it: no
     * store is read here, so the health file and {@code /metrics} cost the queue nothing.
     */
    public List<HealthReport.Forwarding> status() {
        return last;
    }

    /** Reads each upstream's queue from the store; the hub's scheduler calls it every few seconds. */
    public synchronized void refresh() {
        List<HealthReport.Forwarding> list = new ArrayList<>();
        long now = clock.millis();
        for (Forwarder f : forwarders) {
            try {
                ForwardQueue.Lag lag = status.lag(f.upstream());
                list.add(new HealthReport.Forwarding(f.upstream(), lag.pending(), lag.oldestEnqueuedAt() == null ? 0
                        : Math.max(0, (now - lag.oldestEnqueuedAt()) / 1000), lag.delivered(), lag.refused(),
                        status.lastError(f.upstream())));
            } catch (StoreException e) {
                LOG.debug("forwarding state not read: {}", e.getMessage());
                return;
            }
        }
        last = List.copyOf(list);
    }

    /** Stops each forwarder after its delivery in progress; what is left stays queued. */
    @Override
    public synchronized void close() {
        forwarders.forEach(Forwarder::close);
        forwarders.clear();
        if (status != null) {
            status.close();
        }
    }
}
