package org.rts.hub;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.hub.admission.Inbox;
import org.rts.hub.admission.RateLimiter;
import org.rts.hub.health.Health;
import org.rts.hub.intake.Inbound;
import org.rts.hub.intake.Intake;
import org.rts.hub.mqtt.HubMqtt;
import org.rts.hub.receipt.ReceiptIssuer;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.store.HubStore;
import org.rts.hub.store.StoreException;
import org.rts.hub.validation.Authenticator;
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
 * A running hub: the broker connection hands each message, after its device's rate limit, to a bounded inbox; one
 * worker takes it through {@link Intake} (authenticate, chain, check, store, sign a receipt), then publishes the
 * receipt and acknowledges the message to the broker.
 *
 * <p>The hub does not stop taking messages on its own faults. A store write that fails for the disk's sake (full,
 * I/O error) is retried in place, the message still unacknowledged, until the disk is back. A message that keeps
 * failing for its own sake is released (acknowledged without an answer; its unit sends it again) so the broker's
 * in-flight window never fills with it. A watchdog sends the hub probes through the broker and, when none comes
 * back while the hub is idle, replaces the connection; it also asks for redelivery of messages refused while the
 * inbox was full. The state is written to the health file every few seconds.
 */
public final class Hub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
    /** A probe not back after this long, while nothing is waiting, means the broker is not delivering. */
    static final long PROBE_TIMEOUT_MILLIS = 10_000;
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    private static final int RELEASE_AFTER = 3;

    private final HubConfig config;
    private final RegistryWatch registry;
    private final HubStore store;
    private final Intake intake;
    private final HubMqtt mqtt;
    private final Health health;
    private final RateLimiter limiter;
    private final Inbox<HubMqtt.Delivery> inbox;
    private final ScheduledExecutorService scheduler;
    private final ScheduledExecutorService connector;
    private final Thread worker;
    private volatile boolean running = true;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean working;

    private Hub(HubConfig config, Clock clock) {
        this.config = config;
        ElectionFiles files = config.election();
        X509CertificateHolder ca = Pem.readCertificate(files.caCertificate());
        Election election = Election.readSigned(files.ballot(), ca);
        this.registry = new RegistryWatch(files.registry(), files.crl(), ca, election.id());
        ECPrivateKeyParameters hubKey = Pem.readPrivateKey(files.hubKey());
        X509CertificateHolder hubCert = Pem.readCertificate(files.hubCertificate());
        ReceiptIssuer receipts = new ReceiptIssuer(hubKey, hubCert);
        this.store = HubStore.open(config.store());
        this.intake = new Intake(election, new Authenticator(election, registry::current), store, receipts, clock);
        this.health = new Health(clock);
        this.limiter = new RateLimiter(config.rateBurst(), config.ratePerSecond(), System::nanoTime);
        this.inbox = new Inbox<>(config.queueCapacity(), config.queueBytes());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "hub-scheduler"));
        this.connector = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "hub-connector"));
        String clientId = config.clientId() != null ? config.clientId() : "rts-hub-" + election.id();
        this.mqtt = new HubMqtt(new HubMqtt.Settings(config.brokerUrl(), election.id(), clientId,
                config.sessionExpiry().getSeconds(), Math.min(config.queueCapacity(), 65_535),
                config.brokerUrl().startsWith("ssl:") ? TlsContexts.client(hubKey, hubCert, ca) : null),
                connector, clock, this::admit);
        this.worker = new Thread(this::work, "hub-intake");
        LOG.info("hub for election {} ({}): {} stations, {} device certificates, store {}, health file {}",
                election.id(), election.mode(), election.stations().size(), registry.current().size(),
                config.store(), config.healthFile());
    }

    /** Loads everything, then connects in the background; configuration errors are thrown here. */
    public static Hub start(HubConfig config, Clock clock) {
        Hub hub = new Hub(config, clock);
        hub.worker.start();
        hub.scheduler.scheduleWithFixedDelay(hub::reloadRegistry, 2, 2, TimeUnit.SECONDS);
        hub.scheduler.scheduleWithFixedDelay(hub::watch, 1, 1, TimeUnit.SECONDS);
        hub.scheduler.scheduleWithFixedDelay(hub::writeHealth, 0, 5, TimeUnit.SECONDS);
        hub.scheduler.scheduleWithFixedDelay(hub::forgetIdleSenders, 1, 1, TimeUnit.MINUTES);
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

    /** On the MQTT client's thread: never blocks. */
    private boolean admit(HubMqtt.Delivery d) {
        String device = Topics.parse(d.topic()).map(Topics.Address::deviceId).orElse("");
        if (!limiter.tryAcquire(device)) {
            health.rateLimited();
            d.ack(); // spent allowance: dropped unread; a genuine unit keeps the message and sends it again
            return true;
        }
        return inbox.offer(d, d.payload().length);
    }

    private void work() {
        while (running) {
            HubMqtt.Delivery d;
            try {
                d = inbox.poll(500);
            } catch (InterruptedException e) {
                return;
            }
            if (d != null) {
                working = true;
                try {
                    handle(d);
                } finally {
                    working = false;
                }
            }
        }
    }

    /** Processes one message until it is decided, or released, or the hub stops (then it stays unacknowledged). */
    private void handle(HubMqtt.Delivery d) {
        Inbound in = Inbound.bounded(d.topic(), d.payload(), Authenticator.MAX_BYTES);
        int failures = 0;
        long backoff = 100;
        while (running) {
            try {
                Optional<Intake.Answer> answer = intake.process(in);
                if (health.storeFailing()) {
                    health.storeRecovered();
                    LOG.info("hub store {} works again; processing resumes", config.store());
                }
                if (answer.isPresent()) {
                    d.answer(answer.get().topic(), answer.get().receipt());
                } else {
                    d.ack();
                }
                health.processed();
                return;
            } catch (StoreException e) {
                if (e.transientFault()) {
                    if (!health.storeFailing()) {
                        LOG.error("hub store failing, message {} kept unacknowledged and retried until it works: {}",
                                in.hash(), e.getMessage());
                    }
                    health.storeFailed(e.getMessage());
                } else {
                    failures++;
                    LOG.error("message {} on {} not stored (attempt {}): {}", in.hash(), in.topic(), failures,
                            e.getMessage());
                }
            } catch (RuntimeException e) {
                failures++;
                LOG.error("message {} on {} not processed (attempt {})", in.hash(), in.topic(), failures, e);
            }
            if (failures >= RELEASE_AFTER) {
                LOG.error("message {} on {} released unanswered after {} failures: its unit keeps it and sends it"
                        + " again", in.hash(), in.topic(), failures);
                d.ack();
                health.released();
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    /** Every second: redelivery after an overflow, and the probe that tells a silent broker from a quiet one. */
    private void watch() {
        try {
            if (inbox.drainedAfterOverflow()) {
                mqtt.reconnect("messages were refused while the inbox was full; the broker delivers them again");
                return;
            }
            if (!mqtt.isConnected() || !mqtt.probe()) {
                return;
            }
            boolean idle = inbox.size() == 0 && !working && !health.storeFailing();
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
            JsonFiles.write(config.healthFile(), health.report(mqtt, inbox.size(), registry.current()));
        } catch (ProtocolException e) {
            LOG.debug("health file not written: {}", e.getMessage());
        }
    }

    private void forgetIdleSenders() {
        limiter.sweep().forEach((device, n) -> LOG.warn("[{}] over its rate limit: {} messages dropped unread in the"
                + " last minute (a genuine unit sends them again)", device, n));
    }

    /** Stops taking messages, lets the one in hand finish (or stay unacknowledged), closes; a second call does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
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
        scheduler.shutdownNow();
        mqtt.close();
        connector.shutdownNow();
        writeHealth();
        store.close();
        LOG.info("hub stopped");
    }
}
