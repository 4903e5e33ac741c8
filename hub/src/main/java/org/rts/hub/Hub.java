package org.rts.hub;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.hub.admission.Inbox;
import org.rts.hub.admission.RateLimiter;
import org.rts.hub.export.ExportSchedule;
import org.rts.hub.export.Exporter;
import org.rts.hub.forward.Forwarder;
import org.rts.hub.forward.Forwarding;
import org.rts.hub.forward.HttpUpstream;
import org.rts.hub.forward.MqttUpstream;
import org.rts.hub.forward.Upstream;
import org.rts.hub.health.Health;
import org.rts.hub.health.HealthReport;
import org.rts.hub.intake.Inbound;
import org.rts.hub.intake.Intake;
import org.rts.hub.mqtt.HubMqtt;
import org.rts.hub.receipt.ReceiptIssuer;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.store.Decision;
import org.rts.hub.store.HubStore;
import org.rts.hub.store.StoreException;
import org.rts.hub.tally.LiveTally;
import org.rts.hub.units.Alerts;
import org.rts.hub.units.Readiness;
import org.rts.hub.units.UnitRegistry;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.web.HubMetrics;
import org.rts.hub.web.OpsServer;
import org.rts.hub.web.Users;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running hub, one line of stages: the broker connection receives (never blocking: a message that does not fit
 * the bounded inbox stays unacknowledged at the broker); after its unit's rate limit each message is authenticated
 * on a pool of one thread per core; one ordered stage takes them in arrival order, a batch at a time, decides
 * (chain, content, conflicts), has the receipts signed on the pool, stores the whole batch in one transaction; then
 * each receipt is published and each message acknowledged once the broker has its receipt.
 *
 * <p>The hub does not stop taking messages on its own faults. A batch that fails for the disk's or the database's
 * sake (full, I/O error, lost connection) is retried as it is, unacknowledged, until the store is back. A batch
 * that fails for a message's sake is taken one message at a time, and a message that keeps failing is released
 * (acknowledged without an answer; its unit sends it again), so the broker's in-flight window never fills with
 * it. A message that does not fit the inbox is refused with every later one of its connection (so that no unit's
 * later message overtakes an earlier one); once the inbox has drained the hub reconnects and the broker delivers
 * them again, in order. A watchdog sends the hub probes through the broker and, when none comes back while the hub
 * is idle, replaces the connection. The state is written to the health file every few seconds.
 */
public final class Hub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
    /** A probe not back after this long, while nothing is waiting, means the broker is not delivering. */
    static final long PROBE_TIMEOUT_MILLIS = 10_000;
    /** Messages authenticated, or being authenticated, ahead of the ordered stage at most. */
    static final int VERIFY_AHEAD = 4 * 256;
    /** Messages decided and stored in one transaction at most. */
    static final int MAX_BATCH = 256;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final int RELEASE_AFTER = 3;
    /** Health messages one unit may send at once, then one every 5 s: a flood is dropped, its reports untouched. */
    static final int HEALTH_BURST = 10;
    static final double HEALTH_PER_SECOND = 0.2;
    private static final int HEALTH_QUEUE = 10_000;

    /** A message waiting for the ordered stage; its authentication starts on the pool a little ahead of it. */
    private record Pending(HubMqtt.Delivery delivery, CompletableFuture<Intake.Verified> verified, long arrived,
                           AtomicBoolean started) {
    }

    private final HubConfig config;
    private final Clock clock;
    private final RegistryWatch registry;
    private final HubStore store;
    private final Intake intake;
    private final HubMqtt mqtt;
    private final Health health;
    private final List<Forwarder> forwarders;
    private final UnitRegistry units;
    private final Alerts alerts;
    private final Election election;
    private final RateLimiter healthLimiter = new RateLimiter(HEALTH_BURST, HEALTH_PER_SECOND, System::nanoTime);
    private final java.util.concurrent.BlockingQueue<HubMqtt.Delivery> healthInbox =
            new java.util.concurrent.LinkedBlockingQueue<>(HEALTH_QUEUE);
    private final Thread healthWorker;
    private final HubMetrics metrics = new HubMetrics();
    private OpsServer ops;
    private final java.util.concurrent.ScheduledExecutorService exporter =
            Executors.newSingleThreadScheduledExecutor(named("hub-export"));
    private final RateLimiter limiter;
    private final Inbox<Pending> inbox;
    /** Messages of the inbox whose authentication has not started, oldest first. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Pending> unverified =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Messages started on the pool and not yet taken by the ordered stage. */
    private final java.util.concurrent.atomic.AtomicInteger verifying = new java.util.concurrent.atomic.AtomicInteger();
    private final ExecutorService pool;
    private final ScheduledExecutorService scheduler;
    private final ScheduledExecutorService connector;
    private final Thread worker;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running = true;
    /** The broker connection whose messages are refused from the first one that did not fit the inbox on. */
    private volatile long refusedConnection;
    private volatile boolean working;

    private Hub(HubConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        ElectionFiles files = config.election();
        X509CertificateHolder ca = Pem.readCertificate(files.caCertificate());
        Election election = Election.readSigned(files.ballot(), ca);
        this.registry = new RegistryWatch(files.registry(), files.crl(), ca, election.id());
        ECPrivateKeyParameters hubKey = Pem.readPrivateKey(files.hubKey());
        X509CertificateHolder hubCert = Pem.readCertificate(files.hubCertificate());
        ReceiptIssuer receipts = new ReceiptIssuer(hubKey, hubCert);
        this.store = HubStore.open(config.store());
        String holder = config.clientId() != null ? config.clientId() : "rts-hub-" + election.id();
        this.forwarders = forwarders(config, election.id(), holder, hubKey, hubCert, clock);
        this.intake = new Intake(election, new Authenticator(election, registry::current), store, receipts, clock);
        this.units = new UnitRegistry(election.id(), registry::current, config.alerts().silentAfter());
        this.alerts = new Alerts(election, config.alerts());
        alerts.restore(store.alerts(true));
        this.election = election;
        store.units().forEach(units::restore);
        this.healthWorker = new Thread(this::healthWork, "hub-units");
        this.health = new Health(clock);
        this.limiter = new RateLimiter(config.rateBurst(), config.ratePerSecond(), System::nanoTime);
        this.inbox = new Inbox<>(config.queueCapacity(), config.queueBytes());
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.pool = Executors.newFixedThreadPool(cores, named("hub-verify"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(named("hub-scheduler"));
        this.connector = Executors.newSingleThreadScheduledExecutor(named("hub-connector"));
        this.mqtt = new HubMqtt(new HubMqtt.Settings(config.brokerUrl(), election.id(), holder, config.shareGroup(),
                config.sessionExpiry().getSeconds(), Math.min(65_535, config.queueCapacity()),
                config.brokerUrl().startsWith("ssl:") ? TlsContexts.client(hubKey, hubCert, ca) : null),
                connector, clock, this::admit);
        this.worker = new Thread(this::work, "hub-intake");
        LOG.info("hub for election {} ({}): {} stations, {} device certificates, store {}, {} verifying threads,"
                + " health file {}", election.id(), election.mode(), election.stations().size(),
                registry.current().size(), store.location(), cores, config.healthFile());
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Loads everything, then connects in the background; configuration errors are thrown here. */
    public static Hub start(HubConfig config, Clock clock) {
        Hub hub = new Hub(config, clock);
        hub.worker.start();
        hub.healthWorker.start();
        if (config.ops() != null) {
            hub.ops = OpsServer.start(new java.net.InetSocketAddress(config.ops().bind(), config.ops().port()),
                    Users.read(config.ops().users()), hub.new Views(), hub::scrape, hub.store.opsSessions(), clock);
        }
        hub.scheduler.scheduleWithFixedDelay(hub::reloadRegistry, 2, 2, TimeUnit.SECONDS);
        hub.scheduler.scheduleWithFixedDelay(hub::watch, 1, 1, TimeUnit.SECONDS);
        hub.scheduler.scheduleWithFixedDelay(hub::writeHealth, 0, 5, TimeUnit.SECONDS);
        hub.scheduler.scheduleWithFixedDelay(hub::forgetIdleSenders, 1, 1, TimeUnit.MINUTES);
        hub.scheduler.scheduleWithFixedDelay(hub::evaluateAlerts, 5, 5, TimeUnit.SECONDS);
        ExportSchedule exports = config.exports();
        if (exports != null) {
            long minutes = exports.every().toMinutes();
            hub.exporter.scheduleWithFixedDelay(hub::exportNow, minutes, minutes, TimeUnit.MINUTES);
        }
        hub.mqtt.start();
        return hub;
    }

    public HubStore store() {
        return store;
    }

    public Health health() {
        return health;
    }

    public boolean isConnected() {
        return mqtt.isConnected();
    }

    /** The version of the device registry in force. */
    public long registryVersion() {
        return registry.current().version();
    }

    /** Changed registry or CRL files the hub refused since it started. */
    public long registryRefusals() {
        return registry.refusals();
    }

    /** On the MQTT client's thread: never blocks. */
    private boolean admit(HubMqtt.Delivery d) {
        Topics.Address address = Topics.parse(d.topic()).orElse(null);
        String device = address == null ? "" : address.deviceId();
        if (address != null && isHealth(address.kind())) {
            // a unit's health never waits behind reports, and a flood of it never spends a unit's report allowance
            if (!healthLimiter.tryAcquire(device) || !healthInbox.offer(d)) {
                health.rateLimited();
                d.ack(); // telemetry is replaced by the next one; a lost presence shows as silence
            }
            return true;
        }
        if (!limiter.tryAcquire(device)) {
            health.rateLimited();
            d.ack(); // spent allowance: dropped unread; a genuine unit keeps the message and sends it again
            return true;
        }
        if (!running || d.connection() <= refusedConnection) {
            // stopping (the broker keeps it), or the rest of a connection that overflowed the inbox: taking it would
            // let a unit's later message in ahead of its refused earlier one; the broker delivers them all again, in
            // order, after the reconnect
            return false;
        }
        Pending p = new Pending(d, new CompletableFuture<>(), System.nanoTime(), new AtomicBoolean());
        if (!inbox.offer(p, d.payload().length)) {
            refusedConnection = d.connection();
            return false;
        }
        unverified.add(p);
        verifyAhead();
        return true;
    }

    /**
     * Starts authenticating the oldest messages not yet started, so that at most {@link #VERIFY_AHEAD} wait
     * authenticated for the ordered stage: a broker that pushes its whole backlog costs the hub memory for the
     * bytes, not work done long before it is needed.
     */
    private void verifyAhead() {
        while (verifying.get() < VERIFY_AHEAD) {
            Pending p = unverified.poll();
            if (p == null) {
                return;
            }
            verify(p);
        }
    }

    /** Starts authenticating {@code p} on the pool, unless it is already under way. */
    private void verify(Pending p) {
        if (!p.started().compareAndSet(false, true)) {
            return;
        }
        verifying.incrementAndGet();
        HubMqtt.Delivery d = p.delivery();
        pool.execute(() -> {
            try {
                long started = System.nanoTime();
                p.verified().complete(intake.verify(Inbound.bounded(d.topic(), d.payload(), Authenticator.MAX_BYTES),
                        clock.instant()));
                metrics.verified((System.nanoTime() - started) / 1e9);
            } catch (RuntimeException e) {
                p.verified().completeExceptionally(e);
            }
        });
    }

    private void work() {
        while (running) {
            List<Pending> batch = new ArrayList<>();
            try {
                Pending first = inbox.poll(500);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                inbox.drainTo(batch, MAX_BATCH - 1);
            } catch (InterruptedException e) {
                return;
            }
            batch.forEach(this::verify); // those the pool has not reached yet
            verifying.addAndGet(-batch.size());
            verifyAhead();
            working = true;
            try {
                handle(batch);
                long now = System.nanoTime();
                batch.forEach(p -> metrics.answered((now - p.arrived()) / 1e9));
            } finally {
                working = false;
            }
            if (inbox.drainedAfterOverflow()) {
                mqtt.reconnect("messages were refused while the inbox was full; the broker delivers them again");
            }
        }
    }

    /** Decides and stores a batch until it is stored, or released, or the hub stops (then it stays unacknowledged). */
    private void handle(List<Pending> batch) {
        List<Intake.Verified> verified = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            try {
                verified.add(p.verified().get());
            } catch (ExecutionException e) {
                LOG.error("authenticating message on {} failed: released unanswered", p.delivery().topic(),
                        e.getCause());
                verified.add(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        List<HubMqtt.Delivery> deliveries = new ArrayList<>();
        List<Intake.Verified> decidable = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Intake.Verified v = verified.get(i);
            if (v == null || v.address() == null) {
                batch.get(i).delivery().ack(); // nothing to answer: unexpected topic, or a fault authenticating it
                health.processed();
                continue;
            }
            deliveries.add(batch.get(i).delivery());
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
    private boolean store(List<Intake.Verified> verified, List<HubMqtt.Delivery> deliveries) {
        int failures = 0;
        long backoff = 100;
        while (running) {
            try {
                long started = System.nanoTime();
                List<Decision> decisions = intake.decideAndStore(verified, this::signAll);
                metrics.batch((System.nanoTime() - started) / 1e9);
                for (Decision d : decisions) {
                    metrics.decided(d.resend() ? "DUPLICATE" : d.accepted() ? "ACCEPTED" : "REJECTED",
                            d.reasons().stream().map(f -> f.code()).toList());
                    if (d.resend()) {
                        health.duplicate();
                    }
                }
                if (health.storeFailing()) {
                    health.storeRecovered();
                    LOG.info("hub store {} works again; processing resumes", store.location());
                }
                boolean accepted = false;
                for (int i = 0; i < decisions.size(); i++) {
                    Decision d = decisions.get(i);
                    Topics.Address a = verified.get(i).address();
                    deliveries.get(i).answer(Topics.receipt(a.election(), a.deviceId()), d.receipt());
                    health.processed();
                    accepted |= d.report() != null && d.accepted();
                }
                if (accepted) {
                    forwarders.forEach(Forwarder::wake);
                }
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

    /** Signs a batch's receipts on the pool, keeping their order. */
    private List<Decision> signAll(List<Intake.Draft> drafts, ReceiptIssuer issuer) {
        if (drafts.size() == 1) {
            return List.of(drafts.get(0).sign(issuer));
        }
        List<Future<Decision>> futures = new ArrayList<>(drafts.size());
        for (Intake.Draft d : drafts) {
            futures.add(pool.submit(() -> d.sign(issuer)));
        }
        List<Decision> out = new ArrayList<>(drafts.size());
        try {
            for (Future<Decision> f : futures) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while signing receipts", e);
        } catch (ExecutionException e) {
            throw new HubException("signing a receipt failed: " + e.getCause(), e.getCause());
        }
        return out;
    }

    /** Every second: the probe that tells a silent broker from a quiet one. */
    private void watch() {
        try {
            if (!mqtt.isConnected() || !mqtt.probe()) {
                return;
            }
            boolean idle = inbox.size() == 0 && !working && !health.storeFailing() && mqtt.pendingAnswers() == 0;
            if (idle && mqtt.probeAge() > PROBE_TIMEOUT_MILLIS) {
                health.deafRecovery();
                mqtt.reconnect("no probe came back in " + mqtt.probeAge() + " ms while the hub was idle: the"
                        + " broker is not delivering to this connection");
            }
        } catch (RuntimeException e) {
            LOG.error("hub watchdog failed", e);
        }
    }

    private void reloadRegistry() {
        try {
            registry.reloadIfChanged();
        } catch (RuntimeException e) {
            LOG.error("device registry reload failed", e);
        }
    }

    private void writeHealth() {
        try {
            JsonFiles.write(config.healthFile(), health.report(mqtt, inbox.size(), registry.current(),
                    forwardingStatus()));
        } catch (ProtocolException e) {
            LOG.debug("health file not written: {}", e.getMessage());
        }
    }

    /**
     * Writes an observer export through a connection of its own, so that the intake goes on meanwhile; a failed
     * export is logged and leaves nothing behind.
     */
    private void exportNow() {
        ExportSchedule exports = config.exports();
        String name = config.election().dir().getFileName() + "-" + java.time.format.DateTimeFormatter
                .ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC).format(clock.instant());
        try (HubStore reader = HubStore.open(config.store())) {
            java.nio.file.Path out = exports.dir().resolve(name);
            for (int i = 2; java.nio.file.Files.exists(out); i++) {
                out = exports.dir().resolve(name + "-" + i);
            }
            Exporter.Summary s = new Exporter(config.election(), reader, clock).export(out);
            LOG.info("export written to {}: {} messages {}", s.dir(), s.records(), s.counts());
        } catch (RuntimeException e) {
            LOG.error("scheduled export failed: {}", e.getMessage());
        }
    }

    private List<HealthReport.Forwarding> forwardingStatus() {
        List<HealthReport.Forwarding> list = new java.util.ArrayList<>();
        long now = clock.millis();
        for (Forwarder f : forwarders) {
            try {
                HubStore.ForwardLag lag = store.forwardLag(f.upstream());
                list.add(new HealthReport.Forwarding(f.upstream(), lag.pending(), lag.oldestEnqueuedAt() == null ? 0
                        : Math.max(0, (now - lag.oldestEnqueuedAt()) / 1000), lag.delivered(), lag.refused(),
                        store.forwardLastError(f.upstream())));
            } catch (StoreException e) {
                LOG.debug("forwarding state not read: {}", e.getMessage());
            }
        }
        return list;
    }

    private void forgetIdleSenders() {
        limiter.sweep().forEach((device, n) -> LOG.warn("[{}] over its rate limit: {} messages dropped unread in the"
                + " last minute (a genuine unit sends them again)", device, n));
    }

    private static boolean isHealth(String kind) {
        return kind.equals(Topics.TELEMETRY) || kind.equals(Topics.PRESENCE);
    }

    /** The units' health, one batch at a time: stored before the batch is acknowledged. */
    private void healthWork() {
        List<HubMqtt.Delivery> batch = new ArrayList<>();
        while (running || !healthInbox.isEmpty()) {
            try {
                HubMqtt.Delivery first = healthInbox.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                healthInbox.drainTo(batch, 511);
                java.util.Set<String> changed = new java.util.HashSet<>();
                Instant now = clock.instant();
                for (HubMqtt.Delivery d : batch) {
                    UnitRegistry.Outcome o = units.accept(d.topic(), d.payload(), now);
                    if (o.taken()) {
                        changed.add(Topics.parse(d.topic()).orElseThrow().deviceId());
                    } else {
                        LOG.debug("unit health on {} not taken: {}", d.topic(), o.why());
                    }
                }
                store.saveUnits(units.statuses(now).stream().filter(u -> changed.contains(u.device())).toList());
                batch.forEach(HubMqtt.Delivery::ack);
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

    /** Opens and closes the operations room's alerts; each change is stored and logged. */
    private void evaluateAlerts() {
        try {
            Instant now = clock.instant();
            List<Alerts.Alert> changed = alerts.evaluate(now, units.statuses(now), units, this::stationsReported,
                    registry.current().crl().nextUpdate());
            store.saveAlerts(changed);
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

    /** What the operations room shows, read from the hub as it is now. */
    private final class Views implements OpsServer.Views {
        @Override
        public List<UnitRegistry.UnitStatus> units() {
            return Hub.this.units();
        }

        @Override
        public List<Alerts.Alert> openAlerts() {
            return alerts.open();
        }

        @Override
        public List<Alerts.Alert> alertHistory() {
            List<Alerts.Alert> all = store.alerts(false);
            return all.subList(0, Math.min(all.size(), 500));
        }

        @Override
        public LiveTally.Picture tally() {
            return LiveTally.compute(election, store);
        }

        @Override
        public String readinessCsv() {
            ElectionFiles files = config.election();
            var ca = Pem.readCertificate(files.caCertificate());
            return Readiness.csv(Readiness.report(election, org.rts.protocol.files.Registry.readSigned(
                    files.registry(), ca), units(), null, clock.instant()));
        }
    }

    /** Prometheus text, with the gauges read now. */
    private byte[] scrape() {
        metrics.inbox(inbox.size());
        metrics.units(units());
        metrics.alerts(alerts.open());
        metrics.crl(registry.current().crl().nextUpdate(), clock.instant());
        for (HealthReport.Forwarding f : forwardingStatus()) {
            metrics.forwarding(f.upstream(), f.pending(), f.lagSeconds());
        }
        return metrics.scrape();
    }

    /** The operations room's port, when served. */
    public int opsPort() {
        return ops == null ? -1 : ops.port();
    }

    /** The stations with an accepted result for every race. */
    private java.util.Set<String> stationsReported() {
        java.util.Map<String, Long> races = new java.util.HashMap<>();
        store.results(election.id()).forEach(r -> races.merge(r.station(), 1L, Long::sum));
        java.util.Set<String> reported = new java.util.HashSet<>();
        races.forEach((station, n) -> {
            if (n >= election.races().size()) {
                reported.add(station);
            }
        });
        return reported;
    }

    /** The alerts open now. */
    public List<Alerts.Alert> openAlerts() {
        return alerts.open();
    }

    /** Every unit that has spoken: online, offline, lost or silent, with its latest telemetry. */
    public List<UnitRegistry.UnitStatus> units() {
        return units.statuses(clock.instant());
    }

    /** One forwarder per tally centre, each delivering its queue from the store. */
    private List<Forwarder> forwarders(HubConfig config, String electionId, String holder,
                                       ECPrivateKeyParameters hubKey, X509CertificateHolder hubCert,
                                       Clock clock) {
        Forwarding forwarding = config.forwarding();
        store.forwardTo(forwarding.names(), forwarding.kinds());
        if (forwarding.upstreams().isEmpty()) {
            return List.of();
        }
        List<X509CertificateHolder> trust = forwarding.trust() == null ? List.of()
                : Pem.readCertificates(forwarding.trust());
        javax.net.ssl.SSLContext tls = TlsContexts.context(hubKey, hubCert, trust);
        List<Forwarder> started = new java.util.ArrayList<>();
        for (java.net.URI u : forwarding.upstreams()) {
            Upstream upstream = forwarding.isMqtt(u)
                    ? new MqttUpstream(u.toString(), electionId, holder + "-forward", tls)
                    : new HttpUpstream(u, tls);
            started.add(new Forwarder(store, upstream, holder, electionId, clock).start());
            LOG.info("forwarding accepted {} to {}", forwarding.kinds(), Forwarding.name(u));
        }
        return List.copyOf(started);
    }

    /** Stops taking messages, lets the batch in hand finish (or stay unacknowledged), closes; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        if (ops != null) {
            ops.close();
        }
        try {
            worker.join(6_000);
            if (worker.isAlive()) {
                worker.interrupt();
                worker.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // messages still in the inbox were never acknowledged: the broker delivers them to the next session
        inbox.clear();
        unverified.clear();
        try {
            healthWorker.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        exporter.shutdownNow();
        if (config.exports() != null) {
            exportNow(); // at close: what the hub held when it stopped
        }
        forwarders.forEach(Forwarder::close);
        mqtt.close();
        connector.shutdownNow();
        pool.shutdownNow();
        writeHealth();
        store.close();
        LOG.info("hub stopped");
    }
}
