package org.rts.hub;

import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.hub.registry.RegistryWatch;
import org.rts.protocol.pki.TlsContexts;
import org.rts.hub.intake.Intake;
import org.rts.hub.mqtt.HubMqtt;
import org.rts.hub.receipt.ReceiptIssuer;
import org.rts.hub.store.HubStore;
import org.rts.hub.validation.Authenticator;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.pki.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running hub: the broker connection feeds a bounded queue, one worker takes each message through {@link Intake}
 * (validate, store, sign a receipt), then publishes the receipt and acknowledges the message to the broker.
 */
public final class Hub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

    private record Inbound(String topic, byte[] payload, int messageId, int qos) {
    }

    private static final Inbound STOP = new Inbound("", new byte[0], -1, 0);

    private final RegistryWatch registry;
    private final HubStore store;
    private final Intake intake;
    private final HubMqtt mqtt;
    private final ScheduledExecutorService scheduler;
    private final BlockingQueue<Inbound> queue;
    private final Thread worker;

    private Hub(HubConfig config, Clock clock) {
        ElectionFiles files = config.election();
        X509CertificateHolder ca = Pem.readCertificate(files.caCertificate());
        Election election = Election.readSigned(files.ballot(), ca);
        this.registry = new RegistryWatch(files.registry(), ca, election.id());
        ECPrivateKeyParameters hubKey = Pem.readPrivateKey(files.hubKey());
        X509CertificateHolder hubCert = Pem.readCertificate(files.hubCertificate());
        ReceiptIssuer receipts = new ReceiptIssuer(hubKey, hubCert);
        this.store = HubStore.open(config.store());
        this.intake = new Intake(election, new Authenticator(election, registry::current), store, receipts, clock);
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "hub-scheduler"));
        String clientId = config.clientId() != null ? config.clientId() : "rts-hub-" + election.id();
        this.mqtt = new HubMqtt(config.brokerUrl(), clientId, config.sessionExpiry().getSeconds(),
                config.brokerUrl().startsWith("ssl:") ? TlsContexts.client(hubKey, hubCert, ca) : null, scheduler,
                (topic, payload, id, qos) -> queue.put(new Inbound(topic, payload, id, qos)));
        this.worker = new Thread(this::work, "hub-intake");
        LOG.info("hub for election {} ({}): {} stations, {} device certificates, store {}", election.id(),
                election.mode(), election.stations().size(), registry.current().size(), config.store());
    }

    /** Loads everything, then connects in the background; configuration errors are thrown here. */
    public static Hub start(HubConfig config, Clock clock) {
        Hub hub = new Hub(config, clock);
        hub.worker.start();
        hub.scheduler.scheduleWithFixedDelay(hub.registry::reloadIfChanged, 2, 2, TimeUnit.SECONDS);
        hub.mqtt.start();
        return hub;
    }

    public HubStore store() {
        return store;
    }

    public boolean isConnected() {
        return mqtt.isConnected();
    }

    private void work() {
        while (true) {
            Inbound in;
            try {
                in = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (in == STOP) {
                return;
            }
            try {
                intake.process(in.topic(), in.payload()).ifPresent(a -> mqtt.publish(a.topic(), a.receipt()));
                mqtt.acknowledge(in.messageId(), in.qos());
            } catch (RuntimeException e) {
                // not stored, so neither acknowledged nor answered: the broker and the device will both retry
                LOG.error("message on {} not processed", in.topic(), e);
            }
        }
    }

    @Override
    public void close() {
        mqtt.close();
        // messages still queued were never acknowledged: the broker delivers them again to the next session
        queue.clear();
        queue.offer(STOP);
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        store.close();
        LOG.info("hub stopped");
    }
}
