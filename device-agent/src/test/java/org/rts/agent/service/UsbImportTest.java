package org.rts.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.workflow.TallyFileProblem;
import org.rts.agent.workflow.TallyForm;

/** The look for tally files runs beside the event thread: a stick that blocks a read does not stop its work. */
class UsbImportTest {
    @TempDir
    Path media;

    private final ScheduledExecutorService events = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "unit-events");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void stop() {
        events.shutdownNow();
    }

    @Test
    @Timeout(60)
    void a_read_that_blocks_does_not_stop_the_watchdog_pings_and_its_result_follows() throws Exception {
        Files.writeString(media.resolve("S-1.tally.csv"), UsbTalliesTest.TALLY);
        CountDownLatch inRead = new CountDownLatch(1);
        CountDownLatch stickAnswers = new CountDownLatch(1);
        UsbTallies.Opener slowStick = file -> new InputStream() {
            private final InputStream content = new ByteArrayInputStream(Files.readAllBytes(file));

            @Override
            public int read() throws IOException {
                inRead.countDown();
                try {
                    stickAnswers.await();
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                }
                return content.read();
            }
        };
        // the watchdog as the unit service feeds it: a ping on the event thread, counted here
        AtomicReference<CountDownLatch> pings = new AtomicReference<>(new CountDownLatch(0));
        events.scheduleWithFixedDelay(() -> pings.get().countDown(), 0, 20, TimeUnit.MILLISECONDS);
        List<String> flow = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        try (UsbImport usb = new UsbImport(new UsbTallies(media, slowStick), events, new UsbTallies.Listener() {
            @Override
            public void reading(Path file) {
                flow.add(Thread.currentThread().getName() + " reading " + file.getFileName());
            }

            @Override
            public void found(TallyForm.Tagged tally) {
                flow.add(Thread.currentThread().getName() + " found " + tally.station());
                done.countDown();
            }

            @Override
            public void refused(Path file, TallyFileProblem problem, String why) {
                flow.add(Thread.currentThread().getName() + " refused " + why);
                done.countDown();
            }
        })) {
            usb.start(Duration.ofMillis(50));
            inRead.await();
            CountDownLatch fed = new CountDownLatch(5);
            pings.set(fed);
            fed.await(); // five pings while the stick holds the read; with the look on the event thread, none
            assertEquals(1, stickAnswers.getCount(), "the read is still held");
            assertEquals(List.of("unit-events reading S-1.tally.csv"), flow);
            stickAnswers.countDown();
            done.await();
        }
        assertEquals(List.of("unit-events reading S-1.tally.csv", "unit-events found S-1"), flow);
        CountDownLatch fedAfter = new CountDownLatch(1);
        pings.set(fedAfter);
        assertTrue(fedAfter.await(30, TimeUnit.SECONDS), "the watchdog is fed after the read too");
    }
}
