package org.rts.hub;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.hub.admission.Admission;
import org.rts.hub.export.ExportSchedule;
import org.rts.hub.forward.Forwarders;
import org.rts.hub.forward.Forwarding;
import org.rts.hub.forward.HttpUpstream;
import org.rts.hub.forward.Upstream;
import org.rts.hub.health.Health;
import org.rts.hub.health.HubMetrics;
import org.rts.hub.intake.Intake;
import org.rts.hub.intake.IntakeStage;
import org.rts.hub.kafka.KafkaFeed;
import org.rts.hub.kafka.KafkaSource;
import org.rts.hub.mqtt.Edges;
import org.rts.hub.mqtt.HubMqtt;
import org.rts.hub.mqtt.MqttUpstream;
import org.rts.hub.mqtt.Takes;
import org.rts.hub.audit.HandAudit;
import org.rts.hub.photo.PhotoIntake;
import org.rts.hub.receipt.ReceiptIssuer;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.store.AuditStore;
import org.rts.hub.store.HistoryStore;
import org.rts.hub.store.MessageStore;
import org.rts.hub.store.PhotoStore;
import org.rts.hub.store.ResultStore;
import org.rts.hub.store.SessionStore;
import org.rts.hub.store.UnitStore;
import org.rts.hub.units.Alerts;
import org.rts.hub.units.UnitMonitor;
import org.rts.hub.units.UnitRegistry;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Verification;
import org.rts.hub.web.OpsServer;
import org.rts.hub.web.RoomViews;
import org.rts.hub.web.Sessions;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.merkle.ReceiptLog;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running hub, wired as one line of stages: the broker connection ({@link HubMqtt}) hands each message to
 * {@link Admission} (rate limits, bounded inbox, authentication on a pool a little ahead), the ordered
 * {@link IntakeStage} decides and stores a batch at a time through {@link Intake}, and each receipt goes back
 * through the broker connection, which acknowledges the message once the broker has its receipt. Beside the line:
 * the units' health ({@link UnitMonitor}), the forwarders, the operations room, the scheduled exports, and a
 * watchdog that replaces a broker connection that delivers nothing while idle. Health file every few seconds.
 *
 * <p>This class only wires: the constructor builds (opening the stores, starting nothing, closing what it opened
 * if a later step fails), {@link #start} starts the stages, {@link #close} stops them in reverse order.
 */
public final class Hub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
    /** A probe not back after this long, while nothing is waiting, means the broker is not delivering. */
    static final long PROBE_TIMEOUT_MILLIS = 10_000;

    private final HubConfig config;
    private final Clock clock;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final RegistryWatch registry;
    private final MessageStore store;
    private final Health health;
    private final HubMetrics metrics = new HubMetrics();
    private final UnitMonitor units;
    private final Forwarders forwarders;
    private final List<Upstream> upstreams;
    private final ExecutorService pool;
    private final ScheduledExecutorService scheduler;
    private final ScheduledExecutorService connector;
    private final ScheduledExecutorService exporter;
    private final Admission admission;
    private final Edges mqtt;
    /** The reports' source in a national deployment (null: they come from the broker). */
    private final KafkaSource kafka;
    private final IntakeStage intake;
    private final RoomViews views;
    private final PhotoIntake photos;
    private final HandAudit audit;
    private final SessionStore sessions;
    private final AtomicBoolean closed = new AtomicBoolean();
    private OpsServer ops;
    private final Conditions conditions;
    private volatile org.rts.hub.health.HealthReport lastHealth; // the health file's last, for the room

    private Hub(HubConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        try {
            ElectionFiles files = config.election();
            X509CertificateHolder ca = Pem.readCertificate(files.caCertificate());
            Election election = Election.readSigned(files.ballot(), ca);
            this.registry = new RegistryWatch(files.registry(), files.crl(), ca, election.id());
            ECPrivateKeyParameters hubKey = Pem.readPrivateKey(files.hubKey());
            X509CertificateHolder hubCert = Pem.readCertificate(files.hubCertificate());
            String holder = config.clientId() != null ? config.clientId() : "rts-hub-" + election.id();
            this.upstreams = upstreams(config.forwarding(), election.id(), holder, hubKey, hubCert);
            upstreams.forEach(opened::push);
            this.store = keep(MessageStore.open(config.store()));
            store.forwardTo(config.forwarding().names(), config.forwarding().kinds());
            this.forwarders = keep(new Forwarders(config.store(), holder, election.id(), clock,
                    config.forwarding().refusedFor()));
            this.health = new Health(clock);
            ResultStore decided = keep(ResultStore.open(config.store()));
            this.audit = new HandAudit(election, keep(AuditStore.open(config.store())), keep(ResultStore.open(
                    config.store())), clock, new ReceiptIssuer(hubKey, hubCert).signer(), config.forwarding());
            this.conditions = new Conditions(forwarders, decided, clock, audit::raised);
            HistoryStore history = keep(HistoryStore.open(config.store()));
            this.units = keep(new UnitMonitor(election, registry::current, config.alerts(),
                    keep(UnitStore.open(config.store())), history, decided, clock, () -> conditions.raised()));
            this.sessions = config.ops() == null ? null : keep(SessionStore.open(config.store()));
            this.photos = keep(new PhotoIntake(election.id(), PhotoStore.open(config.store()), clock));
            this.views = new RoomViews(election, files, units, keep(ResultStore.open(config.store())),
                    keep(PhotoStore.open(config.store())), audit, history, () -> lastHealth, clock);
            int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
            this.pool = Executors.newFixedThreadPool(cores, named("hub-verify"));
            this.scheduler = Executors.newSingleThreadScheduledExecutor(named("hub-scheduler"));
            this.connector = Executors.newSingleThreadScheduledExecutor(named("hub-connector"));
            this.exporter = Executors.newSingleThreadScheduledExecutor(named("hub-export"));
            Verification verification = new Verification(new Authenticator(election, registry::current));
            KafkaSource[] source = new KafkaSource[1];
            this.admission = new Admission(new Admission.Limits(config.rateBurst(), config.ratePerSecond(),
                    config.queueCapacity(), config.queueBytes()), verification,
                    d -> d.topic().endsWith("/" + org.rts.protocol.Topics.PHOTO) ? photos.offer(d) : units.offer(d),
                    () -> redeliver(source[0]), pool, health, metrics, clock);
            views.relayTo(admission::offer);
            SSLSocketFactory tls = config.brokerUrl().startsWith("ssl:") ? TlsContexts.client(hubKey, hubCert, ca)
                    : null;
            int window = Math.min(65_535, config.queueCapacity());
            Map<String, HubMqtt> edges = new LinkedHashMap<>();
            KafkaFeed feed = config.kafka();
            if (feed == null) {
                edges.put("broker", new HubMqtt(new HubMqtt.Settings(config.brokerUrl(), election.id(), holder,
                        config.shareGroup(), config.sessionExpiry().getSeconds(), window, tls,
                        Takes.REPORTS_AND_HEALTH), connector, clock, admission::offer));
            } else {
                feed.edges().forEach((name, url) -> edges.put(name, new HubMqtt(new HubMqtt.Settings(url, election.id(),
                        holder + "-" + name, null, config.sessionExpiry().getSeconds(), window, tls,
                        Takes.HEALTH), connector, clock, admission::offer)));
            }
            this.mqtt = new Edges(edges);
            this.kafka = feed == null ? null : new KafkaSource(feed, KafkaFeed.topic(election.id()),
                    KafkaFeed.group(election.id()), holder, admission::offer, mqtt::publish);
            source[0] = kafka;
            ReceiptLog receipts = new ReceiptLog(election.id(), holder, new ReceiptIssuer(hubKey, hubCert).signer());
            store.load(receipts);
            this.intake = new IntakeStage(admission, new Intake(election, verification, store, receipts, clock),
                    health, metrics, forwarders::wake);
            LOG.info("hub for election {} ({}): {} stations, {} device certificates, store {}, receipt log {} of {}"
                    + " receipts, {} verifying threads, health file {}", election.id(), election.mode(),
                    election.stations().size(), registry.current().size(), store.location(), holder, receipts.size(),
                    cores, config.healthFile());
        } catch (RuntimeException e) {
            closeOpened();
            throw e;
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        opened.push(resource);
        return resource;
    }

    private void closeOpened() {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                LOG.warn("closing: {}", e.toString());
            }
        }
    }

    private static ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Loads everything, then connects in the background; configuration errors are thrown here. */
    public static Hub start(HubConfig config, Clock clock) {
        Hub hub = new Hub(config, clock);
        try {
            hub.startStages();
        } catch (RuntimeException e) {
            hub.close();
            throw e;
        }
        return hub;
    }

    private void startStages() {
        intake.start();
        units.start();
        photos.start();
        forwarders.start(upstreams);
        if (config.ops() != null) {
            ops = OpsServer.start(config.ops(), views, metrics::scrape, Sessions.stored(sessions), clock);
        }
        scheduler.scheduleWithFixedDelay(this::reloadRegistry, 2, 2, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(this::refreshGauges, 0, 5, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(this::writeHealth, 0, 5, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(admission::sweep, 1, 1, TimeUnit.MINUTES);
        scheduler.scheduleWithFixedDelay(photos::sweep, 1, 1, TimeUnit.MINUTES);
        scheduler.scheduleWithFixedDelay(() -> { audit.publish(); units.evaluateAlerts(); }, 5, 5, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(views::sampleDay, 0, RoomViews.DAY_EVERY.toSeconds(), TimeUnit.SECONDS);
        ExportSchedule exports = config.exports();
        if (exports != null) {
            long minutes = exports.every().toMinutes();
            exporter.scheduleWithFixedDelay(this::exportNow, minutes, minutes, TimeUnit.MINUTES);
        }
        if (config.reports() != null) {
            exporter.scheduleWithFixedDelay(() -> config.reports().writeNow(views.electionName(), views::readiness,
                    clock.instant()), 0, config.reports().every().toMinutes(), TimeUnit.MINUTES);
        }
        mqtt.start();
        if (kafka != null) {
            kafka.start();
        }
    }

    public MessageStore store() {
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

    /** The alerts open now. */
    public List<Alerts.Alert> openAlerts() {
        return units.openAlerts();
    }

    /** Alerts as stored, the open ones first, then the history, newest first. */
    public List<Alerts.Alert> alertHistory() {
        return units.alertHistory(Integer.MAX_VALUE);
    }

    /** Every unit that has spoken: online, offline, lost or silent, with its latest telemetry. */
    public List<UnitRegistry.UnitStatus> units() {
        return units.units();
    }

    /** The operations room's port, when served. */
    public int opsPort() {
        return ops == null ? -1 : ops.port();
    }

    /** What was refused while the inbox was full, asked for again from its source. */
    private void redeliver(KafkaSource source) {
        if (source != null) {
            source.redeliver();
        } else {
            mqtt.reconnect("messages were refused while the inbox was full; the broker delivers them again");
        }
    }

    /** Every second: the probe that tells a silent broker from a quiet one. */
    private void watch() {
        try {
            boolean idle = admission.waiting() == 0 && !intake.working() && !health.storeFailing();
            mqtt.watch(idle, PROBE_TIMEOUT_MILLIS, health::deafRecovery);
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
            lastHealth = health.report(mqtt, admission.waiting(), registry.current(), forwarders.status(),
                    kafka == null ? null : kafka.status(), conditions.storeServer());
            JsonFiles.write(config.healthFile(), lastHealth);
        } catch (ProtocolException e) {
            LOG.debug("health file not written: {}", e.getMessage());
        }
    }

    private void exportNow() {
        config.exports().writeNow(config.election(), config.store(), clock);
    }

    /**
     * Every few seconds, on the scheduler: the forwarding state and the gauges {@code /metrics} shows, so that a
     * scrape formats figures held in memory and reads no store.
     */
    private void refreshGauges() {
        try {
            forwarders.refresh();
            metrics.inbox(admission.waiting());
            metrics.units(UnitRegistry.countByState(units.units()));
            metrics.alerts(Alerts.countByRule(units.openAlerts()));
            metrics.escalated(units.escalated());
            metrics.crl(registry.current().crl().nextUpdate(), clock.instant());
            forwarders.status().forEach(f -> metrics.forwarding(f.upstream(), f.pending(), f.lagSeconds()));
            if (kafka != null) {
                metrics.kafka(kafka.lag());
            }
        } catch (RuntimeException e) {
            LOG.error("metrics not refreshed", e);
        }
    }

    /** One upstream per tally centre: its broker (MQTT) or its endpoint (HTTPS). */
    private static List<Upstream> upstreams(Forwarding forwarding, String election, String holder,
                                            ECPrivateKeyParameters hubKey, X509CertificateHolder hubCert) {
        if (forwarding.upstreams().isEmpty()) {
            return List.of();
        }
        List<X509CertificateHolder> trust = forwarding.trust() == null ? List.of()
                : Pem.readCertificates(forwarding.trust());
        SSLContext tls = TlsContexts.context(hubKey, hubCert, trust);
        List<Upstream> list = new ArrayList<>();
        for (URI u : forwarding.upstreams()) {
            list.add(forwarding.isMqtt(u) ? new MqttUpstream(u.toString(), election, holder + "-forward", tls)
                    : new HttpUpstream(u, tls));
        }
        return List.copyOf(list);
    }

    /** Stops taking messages, lets the batch in hand finish (or stay unacknowledged), closes; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        admission.close(); // what is waiting was never acknowledged: the broker delivers it to the next session
        if (ops != null) {
            ops.close();
        }
        intake.close();
        units.close();
        scheduler.shutdownNow();
        exporter.shutdownNow();
        if (config.exports() != null) {
            exportNow(); // at close: what the hub held when it stopped
        }
        forwarders.close();
        if (kafka != null) {
            kafka.close(); // commits what is stored; the other hubs take the partitions
        }
        mqtt.close();
        connector.shutdownNow();
        pool.shutdownNow();
        writeHealth();
        closeOpened();
        LOG.info("hub stopped");
    }
}
