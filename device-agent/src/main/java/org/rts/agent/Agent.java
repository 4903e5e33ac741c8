package org.rts.agent;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.mqtt.AgentLink;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.photo.FormPhotos;
import org.rts.agent.photo.PhotoUploads;
import org.rts.agent.transmission.ReceiptVerifier;
import org.rts.agent.transmission.Sender;
import org.rts.agent.workflow.Workflow;
import org.rts.hardware.Hardware;
import org.rts.hardware.HardwareProfiles;
import org.rts.protocol.Topics;
import org.rts.protocol.message.Presence;
import org.rts.protocol.message.Report;
import org.rts.protocol.pki.TlsContexts;
import org.slf4j.LoggerFactory;

/**
 * One device agent, wired by hand: the unit's process lock, bundle, outbox, workflow, hardware profile and, once
 * {@link #connect()} is called, the broker link and the sender. Nothing connects or starts a thread before
 * {@code connect()}.
 */
public final class Agent implements AutoCloseable {
    private final ProcessLock lock;
    private final Bundle bundle;
    private final Outbox outbox;
    private final Workflow workflow;
    private final Hardware hardware;
    private final AgentSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService hardwareThread;
    private ScheduledExecutorService linkThread;
    private ScheduledExecutorService senderThread;
    private AgentLink link;
    private Sender sender;
    private PhotoUploads photos;

    private Agent(ProcessLock lock, Bundle bundle, Outbox outbox, Hardware hardware, AgentSettings settings,
                  Clock clock, ScheduledExecutorService hardwareThread) {
        this.lock = lock;
        this.hardwareThread = hardwareThread;
        this.bundle = bundle;
        this.outbox = outbox;
        this.hardware = hardware;
        this.settings = settings;
        this.clock = clock;
        this.workflow = new Workflow(bundle, outbox, clock);
    }

    /** Takes the unit's lock, checks the bundle and opens the outbox; {@code command} names who holds the lock. */
    public static Agent open(AgentSettings settings, Clock clock, PrintStream console, String command) {
        return open(settings, clock, console, ProcessLock.acquire(settings.data(), command));
    }

    /** As {@link #open(AgentSettings, Clock, PrintStream, String)} with the lock already held (released on close). */
    public static Agent open(AgentSettings settings, Clock clock, PrintStream console, ProcessLock lock) {
        ScheduledExecutorService hardwareThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent-hardware");
            t.setDaemon(true);
            return t;
        });
        try {
            Bundle bundle = Bundle.load(settings.bundle(), clock.instant());
            Hardware hardware = HardwareProfiles.open(bundle.config().profile(), console, clock, hardwareThread,
                    settings.data().resolve("slips"));
            return new Agent(lock, bundle, Outbox.open(settings.outboxFile()), hardware, settings, clock,
                    hardwareThread);
        } catch (RuntimeException e) {
            hardwareThread.shutdownNow();
            lock.close();
            throw e;
        }
    }

    public Bundle bundle() {
        return bundle;
    }

    public Outbox outbox() {
        return outbox;
    }

    public Workflow workflow() {
        return workflow;
    }

    public Hardware hardware() {
        return hardware;
    }

    /** Starts the broker link and the sender; pending outbox messages go out as soon as the broker answers. */
    public synchronized Sender connect() {
        return connect(false);
    }

    /**
     * As {@link #connect()}; {@code announce}: the unit service, which signs a presence for each connection
     * (online, its will, a clean goodbye). One-shot commands connect without, so they do not look like the unit
     * coming and going.
     */
    public synchronized Sender connect(boolean announce) {
        if (sender != null) {
            return sender;
        }
        List<String> brokers = settings.broker() != null ? List.of(settings.broker()) : bundle.config().brokerUrls();
        linkThread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "agent-link"));
        senderThread = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "agent-sender"));
        String election = bundle.election().id();
        link = new AgentLink(brokers, bundle.deviceId(), Topics.clientId(election, bundle.deviceId()),
                Topics.receipt(election, bundle.deviceId()), linkThread, settings.maxBackoff().toMillis(),
                brokers.get(0).startsWith("ssl:") ? TlsContexts.client(bundle.deviceKey(),
                        bundle.deviceCertificate(), bundle.caCertificate()) : null);
        Sender.Publisher publisher = new Sender.Publisher() {
            @Override
            public boolean publish(String topic, byte[] payload) {
                return link.publish(topic, payload);
            }

            @Override
            public boolean publishOnce(String topic, byte[] payload) {
                return link.publishVolatile(topic, payload);
            }

            @Override
            public boolean isConnected() {
                return link.isConnected();
            }
        };
        sender = new Sender(election, bundle.deviceId(), outbox, publisher, new ReceiptVerifier(election,
                bundle.deviceId(), bundle.hubCertificate()), workflow::resync, clock, senderThread, settings.window(),
                settings.resendAfter());
        if (announce) {
            String topic = Topics.report(election, bundle.deviceId(), Topics.PRESENCE);
            link.presence(new AgentLink.PresenceSigner() {
                @Override
                public String topic() {
                    return topic;
                }

                @Override
                public byte[] sign(long session, Presence.State state) {
                    return workflow.signUnchained(new Presence(Report.VERSION, election, bundle.election().mode(),
                            bundle.deviceId(), bundle.stationId(), session, clock.instant(), state));
                }
            });
        }
        photos = new PhotoUploads(election, bundle.deviceId(), outbox,
                new FormPhotos(settings.data().resolve("photos")), publisher, clock, senderThread);
        sender.start();
        photos.start();
        link.start(new AgentLink.Listener() {
            @Override
            public void connected() {
                sender.connected();
                photos.connected();
            }

            @Override
            public void refused(String why) {
                sender.refused(why);
            }

            @Override
            public void receipt(byte[] payload) {
                sender.receipt(payload);
                photos.wake(); // a result's receipt may let its photo go
            }

            @Override
            public void photoAnswer(byte[] payload) {
                photos.answer(payload);
            }
        });
        return sender;
    }

    /** The photos of the forms on their way to the hub (null before {@link #connect()}). */
    public synchronized PhotoUploads photos() {
        return photos;
    }

    /** Where the unit keeps its outbox. */
    public java.nio.file.Path dataDir() {
        return settings.data();
    }

    /** Where the unit's bundle (key, signed configuration) is. */
    public java.nio.file.Path bundleDir() {
        return settings.bundle();
    }

    /** The broker connection's session number (0 before the first connection). */
    public synchronized long session() {
        return link == null ? 0 : link.session();
    }

    /** Publishes outside the outbox at QoS 0 (telemetry); false when not connected. */
    public synchronized boolean publishVolatile(String topic, byte[] payload) {
        return link != null && link.publishVolatile(topic, payload);
    }

    /** The broker link dies without a goodbye, as in a power cut (demonstrations). */
    public synchronized void cutLink() {
        if (link != null) {
            link.cut();
        }
    }

    /** Whether the broker link is up now. */
    public synchronized boolean online() {
        return link != null && link.isConnected();
    }

    @Override
    public synchronized void close() {
        try {
            if (sender != null) {
                sender.close();
                photos.close();
                link.close();
                senderThread.shutdownNow();
                linkThread.shutdownNow();
                try {
                    senderThread.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            outbox.close();
        } finally {
            try {
                hardware.close();
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(Agent.class).warn("hardware not released cleanly: {}", e.getMessage());
            }
            hardwareThread.shutdownNow();
            lock.close();
        }
    }
}
