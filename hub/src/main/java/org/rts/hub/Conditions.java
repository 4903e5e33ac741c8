package org.rts.hub;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.rts.hub.forward.Forwarders;
import org.rts.hub.store.ResultStore;
import org.rts.hub.units.Alerts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conditions the units' alerts do not see: a tally centre refusing, a unit past the storage bound, a store
 * whose database has no synchronous standby, a result the hand-count audit puts under audit. Read on the alerts' thread every few seconds; the store's server as
 * last read is shown in the health file.
 */
final class Conditions {
    private static final Logger LOG = LoggerFactory.getLogger(Conditions.class);

    private final Forwarders forwarders;
    private final ResultStore decided;
    private final Clock clock;
    /** The results the hand-count audit puts under audit. */
    private final java.util.function.Supplier<List<Alerts.Raised>> audit;
    private List<ResultStore.Withheld> withheld = List.of();
    private Instant unreplicatedSince;
    private volatile String storeServer;

    Conditions(Forwarders forwarders, ResultStore decided, Clock clock,
               java.util.function.Supplier<List<Alerts.Raised>> audit) {
        this.audit = audit;
        this.forwarders = forwarders;
        this.decided = decided;
        this.clock = clock;
    }

    /** The database server the store writes to, its role and its synchronous standby (null: SQLite, or not read). */
    String storeServer() {
        return storeServer;
    }

    List<Alerts.Raised> raised() {
        List<Alerts.Raised> raised = new ArrayList<>();
        forwarders.refusing().forEach(r -> raised.add(Alerts.Raised.forwardRefused(r.upstream(), r.answer(),
                r.since(), r.until())));
        try {
            withheld = decided.withheld();
        } catch (StoreException e) {
            LOG.warn("units past the storage bound not read now, the last known kept: {}", e.getMessage());
        }
        withheld.forEach(w -> raised.add(Alerts.Raised.storageBound(w.device(), w.station(), w.kept(),
                w.keptBytes(), w.withheld(), w.withheldBytes(), w.since())));
        try {
            decided.replication().ifPresent(r -> {
                storeServer = r.server() + (r.primary() ? " (primary" : " (NOT a primary") + (r.synchronousStandbys()
                        .isBlank() ? ", no synchronous standby)" : ", synchronous standby " + r.synchronousStandbys()
                        + ")");
                unreplicatedSince = !r.unprotected() ? null : unreplicatedSince != null ? unreplicatedSince
                        : clock.instant();
            });
        } catch (StoreException e) {
            storeServer = "not reachable: " + e.getMessage();
        }
        if (unreplicatedSince != null) {
            raised.add(Alerts.Raised.storeUnreplicated(storeServer, unreplicatedSince));
        }
        try {
            raised.addAll(audit.get());
        } catch (RuntimeException e) {
            LOG.warn("the hand-count audit not read now: {}", e.getMessage());
        }
        return raised;
    }
}
