package org.rts.agent.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.rts.agent.workflow.TallyFileProblem;
import org.rts.agent.workflow.TallyForm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks for tally files on a thread of its own ({@code unit-usb}), so a slow or stuck stick never holds the
 * unit's event thread, which feeds systemd's watchdog. What a look finds reaches {@code flow} on {@code events},
 * in order: that a file is being read, then what it held or why it was refused.
 */
final class UsbImport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsbImport.class);

    private final UsbTallies tallies;
    private final Executor events;
    private final UsbTallies.Listener flow;
    private ScheduledExecutorService worker;

    UsbImport(UsbTallies tallies, Executor events, UsbTallies.Listener flow) {
        this.tallies = tallies;
        this.events = events;
        this.flow = flow;
    }

    /** Starts looking, {@code every} after the end of the previous look. */
    synchronized void start(Duration every) {
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "unit-usb");
            t.setDaemon(true);
            return t;
        });
        UsbTallies.Listener onEvents = new UsbTallies.Listener() {
            @Override
            public void reading(Path file) {
                events.execute(() -> flow.reading(file));
            }

            @Override
            public void found(TallyForm.Tagged tally) {
                events.execute(() -> flow.found(tally));
            }

            @Override
            public void refused(Path file, TallyFileProblem problem, String why) {
                LOG.warn("tally file not loaded ({}): {}", problem, why);
                events.execute(() -> flow.refused(file, problem, why));
            }
        };
        worker.scheduleWithFixedDelay(() -> {
            try {
                tallies.scan(onEvents);
            } catch (RuntimeException e) {
                LOG.error("looking for tally files failed; the next look tries again", e);
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops looking; a read stuck on a stick is interrupted where the stick allows it. */
    @Override
    public synchronized void close() {
        if (worker != null) {
            worker.shutdownNow();
        }
    }
}
