package org.rts.agent.service;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.rts.agent.Agent;
import org.rts.agent.AgentException;
import org.rts.agent.i18n.Messages;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.agent.photo.FormPhotos;
import org.rts.agent.slip.ResultSlips;
import org.rts.agent.telemetry.Health;
import org.rts.agent.telemetry.HealthProbe;
import org.rts.agent.telemetry.TelemetryPublisher;
import org.rts.agent.transmission.BrokerRefusedException;
import org.rts.agent.transmission.Sender;
import org.rts.agent.workflow.FlowOutputs;
import org.rts.agent.workflow.OfficerFlow;
import org.rts.hardware.Button;
import org.rts.hardware.Buttons;
import org.rts.hardware.Hardware;
import org.rts.hardware.Indicator;
import org.rts.protocol.message.Photo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code device-agent run}: the unit as a service. One process owns the hardware, the officer's workflow, the
 * outbox and the broker link; every event (a button, a tick, a battery reading, the hub's answer) is handled on one
 * thread, in order; only the look for tally files on USB sticks, which a slow stick can hold up, runs on a thread of
 * its own. Tells systemd when it is ready and pings its watchdog from the event thread (a stuck event thread stops
 * the pings and systemd restarts the unit); stops cleanly on SIGTERM or when the
 * battery is empty, leaving the outbox on disk.
 */
public final class UnitService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnitService.class);
    static final long BATTERY_EVERY_SECONDS = 30;
    /** Where USB sticks are mounted; {@code rts.usb} overrides. */
    static final java.nio.file.Path USB = java.nio.file.Path.of(System.getProperty("rts.usb", "/media"));

    private final Agent agent;
    private final Hardware hardware;
    private final ScheduledExecutorService events = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "unit-events");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** The printer's and the camera's work, each on a thread of its own (a stuck one holds no other). */
    private final java.util.concurrent.ExecutorService devices = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("unit-device-", 0).factory());
    static final int DEVICE_WAIT_SECONDS = 12;
    private volatile Sender sender;
    private final OfficerFlow flow;
    private final Systemd systemd = Systemd.fromEnvironment();
    private final TelemetryPublisher telemetry;
    private final TerminalKeys keys;
    private final UsbImport usb;
    private final ResultSlips slips;
    private final FormPhotos photos;

    private UnitService(Agent agent, Clock clock, TerminalKeys keys, java.time.Duration telemetryInterval) {
        this.agent = agent;
        this.keys = keys;
        this.hardware = agent.hardware();
        Messages messages = Messages.of(agent.bundle().config().language());
        if (messages.rightToLeft() && !hardware.display().rightToLeft()) {
            throw new AgentException("the display of hardware profile '" + hardware.profile() + "' cannot show"
                    + " Arabic: set the unit's language to fr or en (provisioning --language), or use a profile"
                    + " with a graphic display");
        }
        this.slips = new ResultSlips(agent.bundle().election(), messages);
        this.photos = new FormPhotos(agent.dataDir().resolve("photos"));
        this.flow = new OfficerFlow(agent.workflow(), agent.bundle().election(), agent.bundle().stationId(), messages,
                new Outputs(), clock, hardware.display().rows());
        this.telemetry = new TelemetryPublisher(new Health(agent, new HealthProbe(java.nio.file.Path.of("/"))),
                t -> agent.publishVolatile(org.rts.protocol.Topics.report(t.election(), t.device(),
                        org.rts.protocol.Topics.TELEMETRY), agent.workflow().signUnchained(t)), clock,
                telemetryInterval);
        this.usb = new UsbImport(new UsbTallies(USB), events, new UsbTallies.Listener() {
            @Override
            public void reading(java.nio.file.Path file) {
                flow.reading(file.getFileName().toString());
            }

            @Override
            public void found(org.rts.agent.workflow.TallyForm.Tagged t) {
                flow.loaded(t.form(), t.election(), t.station());
            }

            @Override
            public void refused(java.nio.file.Path file, org.rts.agent.workflow.TallyFileProblem problem,
                                String why) {
                flow.unreadable(problem);
            }
        });
    }

    /**
     * Starts the service on an agent that holds the unit's lock, publishing the unit's health every
     * {@code telemetryInterval} and on significant changes. {@code keys}: the terminal as the keypad of a simulated
     * unit, or null.
     */
    public static UnitService start(Agent agent, Clock clock, TerminalKeys keys,
                                    java.time.Duration telemetryInterval) {
        UnitService s = new UnitService(agent, clock, keys, telemetryInterval);
        s.begin();
        return s;
    }

    private void begin() {
        hardware.indicators().set(Indicator.POWER, true);
        // the officer sees the unit at once; the broker link comes up behind it
        events.execute(() -> {
            flow.battery(hardware.battery().read());
            flow.tick(agent.outbox().pending().size());
            flow.render();
        });
        sender = agent.connect(true);
        hardware.buttons().listen(new Buttons.Listener() {
            @Override
            public void pressed(Button button) {
                events.execute(() -> flow.pressed(button));
            }

            @Override
            public void digit(int digit) {
                events.execute(() -> flow.digit(digit));
            }
        });
        if (keys != null) {
            keys.start();
        }
        // messages left pending by an earlier run (a power cut) are answered into the flow too
        for (OutboxEntry pending : agent.outbox().pending()) {
            follow(pending);
        }
        events.scheduleWithFixedDelay(() -> safely(() -> {
            flow.tick(agent.outbox().pending().size());
            hardware.indicators().set(Indicator.ONLINE, agent.online());
            telemetry.tick(agent.session());
        }), 1, 1, TimeUnit.SECONDS);
        events.scheduleWithFixedDelay(() -> safely(() -> flow.battery(hardware.battery().read())),
                BATTERY_EVERY_SECONDS, BATTERY_EVERY_SECONDS, TimeUnit.SECONDS);
        usb.start(java.time.Duration.ofSeconds(2));
        systemd.ready();
        if (systemd.watchdog() > 0) {
            events.scheduleWithFixedDelay(systemd::ping, 0, systemd.watchdog() / 2, TimeUnit.MILLISECONDS);
        }
        long startedAt = ManagementFactory.getRuntimeMXBean().getStartTime();
        LOG.info("unit {} of station {} ready in {} ms (profile {}, language {})", agent.bundle().deviceId(),
                agent.bundle().stationId(), System.currentTimeMillis() - startedAt, hardware.profile(),
                agent.bundle().config().language());
    }

    /** Waits for the hub's answer to {@code entry} and hands it to the flow. */
    private void follow(OutboxEntry entry) {
        sender.await(entry.hash()).whenComplete((answer, failure) -> events.execute(() -> {
            if (failure == null) {
                flow.answered(answer.entry(), answer.receipt());
                if (answer.held()) {
                    follow(entry); // held: the final answer comes later
                }
            } else {
                Throwable cause = failure instanceof CompletionException ce ? ce.getCause() : failure;
                if (cause instanceof BrokerRefusedException refused) {
                    flow.refused(refused.getMessage());
                } else {
                    LOG.warn("no answer followed for message {}: {}", entry.seq(), String.valueOf(cause));
                }
            }
        }));
    }

    private final class Outputs implements FlowOutputs {
        @Override
        public void show(List<String> lines) {
            hardware.display().show(lines);
        }

        @Override
        public void indicator(Indicator indicator, boolean on) {
            hardware.indicators().set(indicator, on);
        }

        @Override
        public void beep(int millis) {
            hardware.indicators().beep(millis);
        }

        @Override
        public void committed(OutboxEntry entry) {
            sender.wake();
            follow(entry);
        }

        @Override
        public boolean printer() {
            return hardware.printer() != null;
        }

        @Override
        public String print(OutboxEntry entry, String code) {
            try {
                return bounded(() -> slips.print(hardware.printer(), entry, code), "the printer");
            } catch (IOException e) {
                return e.getMessage();
            }
        }

        @Override
        public boolean camera() {
            return hardware.camera() != null;
        }

        @Override
        public Photo photograph() throws IOException {
            return bounded(() -> photos.keep(hardware.camera().capture()), "the camera");
        }

        @Override
        public void shutdown() {
            LOG.warn("battery empty: stopping; {} messages stay in the outbox", agent.outbox().pending().size());
            new Thread(UnitService.this::close, "unit-shutdown").start();
        }
    }

    /**
     * Runs {@code work} on a device thread of its own and waits at most {@link #DEVICE_WAIT_SECONDS}: a printer
     * out of paper or a hung camera blocks that thread, never the officer's screen nor systemd's watchdog.
     */
    private <T> T bounded(java.util.concurrent.Callable<T> work, String device) throws IOException {
        java.util.concurrent.Future<T> done = devices.submit(work);
        try {
            return done.get(DEVICE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            done.cancel(true);
            throw new IOException(device + " did not answer in " + DEVICE_WAIT_SECONDS + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(String.valueOf(e.getCause()
                    .getMessage()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + device, e);
        }
    }

    private static void safely(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.error("unit service step failed; it goes on", e);
        }
    }

    /** Stops as a power cut would: the link dies without a goodbye (the broker publishes the will), then the rest. */
    public void powerCut() {
        agent.cutLink();
        close();
    }

    /** Blocks until the service stops. */
    public void await() throws InterruptedException {
        stopped.await();
    }

    /** Stops: the write in hand finishes (one event thread), then the broker link, the hardware, the outbox. */
    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        systemd.stopping();
        usb.close();
        events.shutdown();
        devices.shutdownNow();
        try {
            events.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        agent.close();
        if (keys != null) {
            keys.close();
        }
        stopped.countDown();
        LOG.info("unit service stopped");
    }
}
