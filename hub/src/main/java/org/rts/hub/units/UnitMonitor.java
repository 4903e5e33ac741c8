package org.rts.hub.units;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.rts.hub.admission.Delivery;
import org.rts.hub.admission.RateLimiter;
import org.rts.hub.intake.AcceptedResult;
import org.rts.hub.registry.DeviceRegistry;
import org.rts.hub.store.ResultStore;
import org.rts.hub.store.UnitStore;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.Json;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.message.Telemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The units' health, apart from their reports: takes their telemetry and presence on a thread of its own (a flood
 * is dropped, never queued behind reports), keeps each unit's state and the operations room's alerts, and stores
 * both through a connection of its own, so a restarted hub shows what it showed before.
 */
public final class UnitMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnitMonitor.class);
    /** Health messages one unit may send at once, then one every 5 s: a flood is dropped, its reports untouched. */
    static final int HEALTH_BURST = 10;
    static final double HEALTH_PER_SECOND = 0.2;
    private static final int HEALTH_QUEUE = 10_000;

    private final Election election;
    private final UnitRegistry units;
    private final Alerts alerts;
    private final AlertDesk desk;
    private final UnitStore store;
    private final org.rts.hub.store.HistoryStore history;
    private final java.time.Duration historyStep;
    /** Each unit's battery log, and the telemetry and time of its last point in the history (this thread's). */
    private final Map<String, BatteryLog> batteries = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Telemetry> lastTelemetry = new HashMap<>();
    private final Map<String, Instant> lastPoint = new HashMap<>();
    private final ResultStore results;
    private final Supplier<DeviceRegistry> registry;
    private final Clock clock;
    private final Supplier<List<Alerts.Raised>> raised;
    private final RateLimiter limiter = new RateLimiter(HEALTH_BURST, HEALTH_PER_SECOND, System::nanoTime);
    private final BlockingQueue<Delivery> inbox = new LinkedBlockingQueue<>(HEALTH_QUEUE);
    private final Thread worker = new Thread(this::work, "hub-units");
    private volatile boolean running = true;

    /**
     * Restores the units and the open alerts from {@code store}; {@code results} tells which stations reported;
     * {@code raised} gives the conditions the hub's other features see now (a tally centre refusing messages).
     */
    public UnitMonitor(Election election, Supplier<DeviceRegistry> registry, Alerts.Settings settings,
                       UnitStore store, org.rts.hub.store.HistoryStore history, ResultStore results, Clock clock,
                       Supplier<List<Alerts.Raised>> raised) {
        this.raised = raised;
        this.history = history;
        this.historyStep = settings.historyStep();
        history.batteries().forEach((device, json) -> batteries.put(device, BatteryLog.parse(json)));
        this.election = election;
        this.registry = registry;
        this.store = store;
        this.results = results;
        this.clock = clock;
        this.units = new UnitRegistry(election.id(), registry, settings.silentAfter());
        this.alerts = new Alerts(election, settings);
        alerts.restore(store.alerts(true).stream().map(UnitMonitor::alert).toList());
        this.desk = new AlertDesk(store, settings.escalateAfter());
        store.units().forEach(row -> units.restore(status(row)));
    }

    public void start() {
        worker.start();
    }

    /** On the source's thread: takes a unit's health message, or false when over its allowance or full. */
    public boolean offer(Delivery d) {
        String device = Topics.parse(d.topic()).map(Topics.Address::deviceId).orElse("");
        return limiter.tryAcquire(device) && inbox.offer(d);
    }

    /** Open alerts escalated and not acknowledged since. */
    public long escalated() {
        return desk.handled(alerts.open()).stream().filter(h -> h.escalatedAt() != null && h.acknowledgedAt() == null)
                .count();
    }

    /** What the room does about the alerts: acknowledged, assigned, noted, escalated. */
    public AlertDesk desk() {
        return desk;
    }

    /** Every unit that has spoken: online, offline, lost or silent, with its latest telemetry. */
    public List<UnitRegistry.UnitStatus> units() {
        return units.statuses(clock.instant());
    }

    public List<Alerts.Alert> openAlerts() {
        return alerts.open();
    }

    /** The alert history as stored, newest first, at most {@code limit}. */
    public List<Alerts.Alert> alertHistory(int limit) {
        List<UnitStore.AlertRow> all = store.alerts(false);
        return all.subList(0, Math.min(all.size(), limit)).stream().map(UnitMonitor::alert).toList();
    }

    /** One batch at a time: stored before the batch is acknowledged. */
    private void work() {
        List<Delivery> batch = new ArrayList<>();
        while (running || !inbox.isEmpty()) {
            try {
                Delivery first = inbox.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                inbox.drainTo(batch, 511);
                Set<String> changed = new HashSet<>();
                Instant now = clock.instant();
                for (Delivery d : batch) {
                    UnitRegistry.Outcome o = units.accept(d.topic(), d.payload(), now);
                    if (o.taken()) {
                        changed.add(Topics.parse(d.topic()).orElseThrow().deviceId());
                    } else {
                        LOG.debug("unit health on {} not taken: {}", d.topic(), o.why());
                    }
                }
                List<UnitRegistry.UnitStatus> statuses = units.statuses(now).stream()
                        .filter(u -> changed.contains(u.device())).toList();
                store.saveUnits(statuses.stream().map(UnitMonitor::row).toList());
                batch.forEach(Delivery::ack);
                keepHistory(statuses, now);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // not acknowledged: the broker delivers the presence again on the next session
                LOG.warn("unit health not stored: {}", e.getMessage());
            }
            batch.clear();
        }
    }

    /**
     * Each new telemetry goes into its unit's battery log, and into its history when the last point is
     * {@code historyStep} old; a failure here loses a point of a chart, never a unit's state.
     */
    private void keepHistory(List<UnitRegistry.UnitStatus> statuses, Instant now) {
        List<org.rts.hub.store.HistoryStore.Point> points = new ArrayList<>();
        Map<String, String> logs = new HashMap<>();
        for (UnitRegistry.UnitStatus u : statuses) {
            Telemetry t = u.telemetry();
            if (t == null || t == lastTelemetry.get(u.device())) {
                continue;
            }
            lastTelemetry.put(u.device(), t);
            BatteryLog before = batteries.getOrDefault(u.device(), BatteryLog.NONE);
            BatteryLog after = before.next(now, t.battery(), t.mains(), t.charging());
            if (after != before) {
                batteries.put(u.device(), after);
                logs.put(u.device(), after.json());
            }
            Instant last = lastPoint.get(u.device());
            if (last == null || !now.isBefore(last.plus(historyStep))) {
                lastPoint.put(u.device(), now);
                points.add(new org.rts.hub.store.HistoryStore.Point(u.device(), now, t.battery() == null ? null
                        : (int) Math.round(t.battery()), t.mains(), t.charging(), t.signalDbm(), t.pending()));
            }
        }
        try {
            history.save(points, logs);
        } catch (RuntimeException e) {
            LOG.warn("{} points of the units' history not stored: {}", points.size(), e.getMessage());
        }
    }

    /** Each unit's battery log, by device. */
    public Map<String, BatteryLog> batteries() {
        return Map.copyOf(batteries);
    }

    /** Opens and closes the operations room's alerts; each change is stored and logged. */
    public void evaluateAlerts() {
        try {
            Instant now = clock.instant();
            List<Alerts.Alert> changed = alerts.evaluate(now, units.statuses(now), units, this::stationsReported,
                    registry.get().crl().nextUpdate(), raised.get());
            store.saveAlerts(changed.stream().map(UnitMonitor::row).toList());
            for (Alerts.Alert a : desk.escalate(alerts.open(), now)) {
                LOG.warn("ALERT ESCALATED {} {} (station {}): open {} min, not acknowledged", a.rule(), a.subject(),
                        a.station(), a.age(now).toMinutes());
            }
            for (Alerts.Alert a : changed) {
                if (a.open()) {
                    LOG.warn("ALERT {} {} (station {}): {}", a.rule(), a.subject(), a.station(), a.detail());
                } else {
                    LOG.info("alert closed after {} s: {} {}", a.age(now).toSeconds(), a.rule(), a.subject());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("alerts not evaluated: {}", e.getMessage());
        }
    }

    private Set<String> stationsReported() {
        return stationsReported(election, results.results(election.id()));
    }

    /** The stations with an accepted result for every race of their ballot. */
    public static Set<String> stationsReported(Election election, List<AcceptedResult> accepted) {
        Map<String, Set<String>> races = new HashMap<>();
        accepted.forEach(r -> races.computeIfAbsent(r.station(), k -> new HashSet<>()).add(r.race()));
        Set<String> reported = new HashSet<>();
        races.forEach((station, done) -> {
            List<Race> ballot = election.ballot(station);
            if (!ballot.isEmpty() && ballot.stream().allMatch(r -> done.contains(r.id()))) {
                reported.add(station);
            }
        });
        return reported;
    }

    /** A unit's health as stored. */
    public static UnitStore.UnitRow row(UnitRegistry.UnitStatus u) {
        return new UnitStore.UnitRow(u.device(), u.station(), u.state().name(), u.lastSeen(), u.session(),
                u.telemetry() == null ? null : new String(MessageCodec.encode(u.telemetry()), StandardCharsets.UTF_8),
                u.clockOffsetSeconds(), u.flags());
    }

    /** A unit's health as the room shows it, from its stored row. */
    public static UnitRegistry.UnitStatus status(UnitStore.UnitRow r) {
        try {
            return new UnitRegistry.UnitStatus(r.device(), r.station(), UnitRegistry.State.valueOf(r.state()),
                    r.lastSeen(), r.session(), r.telemetry() == null ? null
                    : Json.mapper().readValue(r.telemetry(), Telemetry.class), r.clockOffset(), r.flags());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("unreadable stored telemetry of unit " + r.device(), e);
        }
    }

    public static UnitStore.AlertRow row(Alerts.Alert a) {
        return new UnitStore.AlertRow(a.rule().name(), a.subject(), a.station(), a.detail(), a.since(), a.opened(),
                a.closed());
    }

    public static Alerts.Alert alert(UnitStore.AlertRow r) {
        return new Alerts.Alert(Alerts.Rule.valueOf(r.rule()), r.subject(), r.station(), r.detail(), r.since(),
                r.opened(), r.closed());
    }

    /** Stores what is queued, then stops. */
    @Override
    public void close() {
        running = false;
        try {
            worker.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
