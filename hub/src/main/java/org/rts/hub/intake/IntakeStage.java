package org.rts.hub.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.rts.hub.StoreException;
import org.rts.hub.admission.Admission;
import org.rts.hub.admission.Delivery;
import org.rts.hub.health.Health;
import org.rts.hub.health.HubMetrics;
import org.rts.hub.validation.Verification.Verified;
import org.rts.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered stage, on a thread of its own: takes admitted reports in arrival order a batch at a time, has
 * {@link Intake} decide and store them, then answers each with its receipt (the source acknowledges a message once
 * its receipt is out).
 *
 * <p>The stage does not stop on the hub's own faults. A batch that fails for the disk's or the database's sake
 * (full, I/O error, lost connection) is retried as it is, unacknowledged, until the store is back. A batch that
 * fails for a message's sake is taken one message at a time, and a message that keeps failing is released
 * (acknowledged without an answer; its unit sends it again), so the source's in-flight window never fills with it.
 */
public final class IntakeStage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeStage.class);
    /** Messages decided and stored in one transaction at most. */
    public static final int MAX_BATCH = 256;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final int RELEASE_AFTER = 3;

    private final Admission admission;
    private final Intake intake;
    private final Health health;
    private final HubMetrics metrics;
    private final Runnable accepted;
    private final Thread thread = new Thread(this::work, "hub-intake");
    private volatile boolean running = true;
    private volatile boolean working;

    /** {@code accepted} is told when a batch stored an accepted report (the forwarders wake up). */
    public IntakeStage(Admission admission, Intake intake, Health health, HubMetrics metrics, Runnable accepted) {
        this.admission = admission;
        this.intake = intake;
        this.health = health;
        this.metrics = metrics;
        this.accepted = accepted;
    }

    public void start() {
        thread.start();
    }

    /** A batch is being decided, stored or retried now. */
    public boolean working() {
        return working;
    }

    private void work() {
        while (running) {
            List<Admission.Admitted> batch;
            try {
                batch = admission.take(MAX_BATCH, 500);
            } catch (InterruptedException e) {
                return;
            }
            if (batch.isEmpty()) {
                continue;
            }
            working = true;
            try {
                handle(batch);
                long now = System.nanoTime();
                batch.forEach(a -> metrics.answered((now - a.arrivedNanos()) / 1e9));
            } finally {
                working = false;
            }
        }
    }

    /** Decides and stores a batch until it is stored, or released, or the stage stops (it stays unacknowledged). */
    private void handle(List<Admission.Admitted> batch) {
        List<Delivery> deliveries = new ArrayList<>();
        List<Verified> decidable = new ArrayList<>();
        for (Admission.Admitted a : batch) {
            Verified v;
            try {
                v = a.verified().get();
            } catch (ExecutionException e) {
                LOG.error("authenticating message on {} failed: released unanswered", a.delivery().topic(),
                        e.getCause());
                v = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (v == null || v.address() == null) {
                a.delivery().ack(); // nothing to answer: unexpected topic, or a fault authenticating it
                health.processed();
                continue;
            }
            deliveries.add(a.delivery());
            decidable.add(v);
        }
        if (!decidable.isEmpty() && !store(decidable, deliveries) && decidable.size() > 1) {
            // a message of the batch fails for its own sake: find which, one at a time
            for (int i = 0; i < decidable.size() && running; i++) {
                store(List.of(decidable.get(i)), List.of(deliveries.get(i)));
            }
        }
    }

    /** Stores and answers; false when it failed for a message's sake (a batch of one is then released). */
    private boolean store(List<Verified> verified, List<Delivery> deliveries) {
        int failures = 0;
        long backoff = 100;
        while (running) {
            try {
                long started = System.nanoTime();
                List<Decision> decisions = intake.decideAndStore(verified);
                metrics.batch((System.nanoTime() - started) / 1e9);
                if (health.storeFailing()) {
                    health.storeRecovered();
                    LOG.info("hub store works again; processing resumes");
                }
                answer(verified, deliveries, decisions);
                return true;
            } catch (StoreException e) {
                if (e.transientFault()) {
                    if (!health.storeFailing()) {
                        LOG.error("hub store failing, {} message(s) kept unacknowledged and retried until it works:"
                                + " {}", verified.size(), e.getMessage());
                    }
                    health.storeFailed(e.getMessage());
                } else {
                    failures++;
                    LOG.error("{} message(s) not stored (attempt {}): {}", verified.size(), failures, e.getMessage());
                }
            } catch (RuntimeException e) {
                failures++;
                LOG.error("{} message(s) not processed (attempt {})", verified.size(), failures, e);
            }
            if (failures > 0 && verified.size() > 1) {
                return false;
            }
            if (failures >= RELEASE_AFTER) {
                LOG.error("message {} on {} released unanswered after {} failures: its unit keeps it and sends it"
                        + " again", verified.get(0).in().hash(), verified.get(0).in().topic(), failures);
                deliveries.get(0).ack();
                health.released();
                return false;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
        return true;
    }

    private void answer(List<Verified> verified, List<Delivery> deliveries, List<Decision> decisions) {
        boolean anyAccepted = false;
        for (int i = 0; i < decisions.size(); i++) {
            Decision d = decisions.get(i);
            metrics.decided(d.resend() ? "DUPLICATE" : d.accepted() ? "ACCEPTED" : "REJECTED",
                    d.reasons().stream().map(f -> f.code()).toList());
            if (d.resend()) {
                health.duplicate();
            }
            Topics.Address a = verified.get(i).address();
            deliveries.get(i).answer(Topics.receipt(a.election(), a.deviceId()), d.receipt());
            health.processed();
            anyAccepted |= d.report() != null && d.accepted();
        }
        if (anyAccepted) {
            accepted.run();
        }
    }

    /** Lets the batch in hand finish (or stay unacknowledged), then stops. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(6_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
