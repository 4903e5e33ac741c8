package org.rts.hub.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.StoreException;
import org.rts.hub.admission.Admission;
import org.rts.hub.admission.Delivery;
import org.rts.hub.health.Health;
import org.rts.hub.health.HubMetrics;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Verification;
import org.rts.protocol.Topics;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.Pem;

/**
 * The ordered stage between admission and the store: what is stored is answered, a store that fails for the disk's
 * sake is waited for with nothing acknowledged, and a message that keeps failing for its own sake is released.
 */
class IntakeStageTest {
    @TempDir
    Path dir;

    private TestElection election;
    private MessageStore store;
    private ExecutorService pool;
    private Health health;
    private IntakeStage stage;
    private Admission admission;
    private HubMetrics metrics;
    private final AtomicInteger accepted = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean registryBroken =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** A delivery that records what the stage did with it. */
    private static final class Recorded implements Delivery {
        final String topic;
        final byte[] payload;
        final ConcurrentLinkedQueue<String> done = new ConcurrentLinkedQueue<>();

        Recorded(String topic, byte[] payload) {
            this.topic = topic;
            this.payload = payload;
        }

        @Override
        public String topic() {
            return topic;
        }

        @Override
        public byte[] payload() {
            return payload;
        }

        @Override
        public long connection() {
            return 1;
        }

        @Override
        public void ack() {
            done.add("ack");
        }

        @Override
        public void answer(String topic, byte[] receipt) {
            done.add("answer " + topic);
        }
    }

    @BeforeEach
    void setUp() {
        election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        store = MessageStore.open(dir.resolve("hub.db"));
        pool = Executors.newFixedThreadPool(2);
        health = new Health(TestElection.CLOCK);
    }

    @AfterEach
    void tearDown() {
        if (stage != null) {
            stage.close();
        }
        admission.close();
        pool.shutdownNow();
        store.close();
    }

    private void start(IntakeStore through) {
        prepare(through);
        stage.start();
    }

    /** The stage built but not started: what is offered now waits, and is taken as one batch. */
    private void prepare(IntakeStore through) {
        var files = election.files;
        RegistryWatch registry = new RegistryWatch(files.registry(), files.crl(),
                Pem.readCertificate(files.caCertificate()), election.id);
        Verification verification = new Verification(new Authenticator(election.election, () -> {
            if (registryBroken.get()) {
                throw new IllegalStateException("registry unreadable");
            }
            return registry.current();
        }));
        metrics = new HubMetrics();
        admission = new Admission(new Admission.Limits(1000, 1000, 100, 1 << 20), verification, d -> true, () -> { },
                pool, health, metrics, TestElection.CLOCK);
        Intake intake = new Intake(election.election, verification, through, election.receiptLog(store),
                TestElection.CLOCK);
        stage = new IntakeStage(admission, intake, health, metrics, accepted::incrementAndGet);
    }

    private Recorded report(Device d, int voters) {
        Recorded r = new Recorded(Topics.report(election.id, d.id, Topics.TURNOUT),
                d.chain(d.sign(d.turnout(voters))));
        assertTrue(admission.offer(r));
        return r;
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void what_is_stored_is_answered_on_its_units_receipt_topic_and_the_forwarders_are_told() throws Exception {
        prepare(store);
        Device d = election.device(1);
        Recorded first = report(d, 10);
        Recorded second = report(d, 20);
        await("both waiting", () -> admission.waiting() == 2);
        stage.start(); // one batch of two
        await("both answered", () -> first.done.size() == 1 && second.done.size() == 1);
        await("the batch done", () -> !stage.working());
        String receipts = "answer " + Topics.receipt(election.id, d.id);
        assertEquals(List.of(receipts), List.copyOf(first.done));
        assertEquals(List.of(receipts), List.copyOf(second.done));
        assertEquals(2, store.head(d.id).seq());
        assertTrue(accepted.get() >= 1);
        assertEquals(2, health.processedCount());
    }

    @Test
    void a_store_failing_for_the_disks_sake_is_waited_for_with_nothing_acknowledged() throws Exception {
        AtomicInteger failures = new AtomicInteger(3);
        start((el, keys, decide) -> {
            if (failures.getAndDecrement() > 0) {
                throw new StoreException("disk full", true, null);
            }
            return store.commitBatch(el, keys, decide);
        });
        Device d = election.device(1);
        Recorded r = report(d, 10);
        await("answered once the store works", () -> !r.done.isEmpty());
        assertEquals(List.of("answer " + Topics.receipt(election.id, d.id)), List.copyOf(r.done),
                "retried as it was, never acknowledged without its answer");
        assertEquals(3, health.storeFailures());
        assertTrue(!health.storeFailing(), "recovered");
        assertEquals(1, store.head(d.id).seq());
    }

    @Test
    void a_message_failing_for_its_own_sake_is_released_and_the_others_of_its_batch_are_answered() throws Exception {
        Device bad = election.device(1);
        Device good = election.device(2);
        start((el, keys, decide) -> {
            if (keys.devices().contains(bad.id)) {
                throw new StoreException("constraint violated", false, null);
            }
            return store.commitBatch(el, keys, decide);
        });
        Recorded failing = report(bad, 10);
        Recorded fine = report(good, 10);
        await("the failing message released and the other answered", () -> !failing.done.isEmpty()
                && !fine.done.isEmpty());
        assertEquals(List.of("ack"), List.copyOf(failing.done), "released: acknowledged without an answer");
        assertEquals(List.of("answer " + Topics.receipt(election.id, good.id)), List.copyOf(fine.done));
        assertEquals(0, store.head(bad.id).seq());
        assertEquals(1, store.head(good.id).seq());
        assertEquals(1, health.releasedCount());
    }

    @Test
    void a_message_failing_for_its_own_sake_alone_is_tried_three_times_then_released() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        start((el, keys, decide) -> {
            attempts.incrementAndGet();
            throw new StoreException("constraint violated", false, null);
        });
        Recorded failing = report(election.device(1), 10);
        await("released", () -> !failing.done.isEmpty());
        await("the stage idle", () -> !stage.working());
        assertEquals(3, attempts.get(), "a batch of one is not taken apart again");
        assertEquals(List.of("ack"), List.copyOf(failing.done));
        assertEquals(1, health.releasedCount());
        assertEquals(0, health.storeFailures(), "not the store's fault");
    }

    @Test
    void a_batch_whose_middle_message_fails_is_taken_one_by_one_and_only_that_one_is_released() throws Exception {
        Device bad = election.device(2);
        List<String> tried = new java.util.concurrent.CopyOnWriteArrayList<>();
        prepare((el, keys, decide) -> {
            tried.add(keys.devices().size() + (keys.devices().contains(bad.id) ? " with the bad one" : ""));
            if (keys.devices().contains(bad.id)) {
                throw new StoreException("constraint violated", false, null);
            }
            return store.commitBatch(el, keys, decide);
        });
        Recorded one = report(election.device(1), 10);
        Recorded failing = report(bad, 10);
        Recorded three = report(election.device(3), 10);
        await("all three waiting", () -> admission.waiting() == 3);
        stage.start();
        await("every one settled", () -> !one.done.isEmpty() && !failing.done.isEmpty() && !three.done.isEmpty());
        assertEquals(List.of("3 with the bad one", "1", "1 with the bad one", "1 with the bad one",
                "1 with the bad one", "1"), tried, "the batch once, then each alone: the bad one three times");
        assertEquals(List.of("ack"), List.copyOf(failing.done));
        assertEquals(1, store.head(election.device(1).id).seq());
        assertEquals(1, store.head(election.device(3).id).seq());
    }

    @Test
    void the_stage_says_it_is_working_while_a_batch_is_in_hand_and_not_after() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        start((el, keys, decide) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return store.commitBatch(el, keys, decide);
        });
        Recorded r = report(election.device(1), 10);
        await("working on it", stage::working);
        assertTrue(r.done.isEmpty());
        release.countDown();
        await("answered and idle", () -> !r.done.isEmpty() && !stage.working());
    }

    @Test
    void the_time_to_a_receipt_and_to_store_a_batch_are_recorded_in_seconds() throws Exception {
        start(store);
        long before = System.nanoTime();
        Recorded r = report(election.device(1), 10);
        await("answered", () -> !r.done.isEmpty());
        await("recorded", () -> scraped("rts_hub_receipt_seconds_count") == 1);
        double passed = (System.nanoTime() - before) / 1e9;
        for (String sum : List.of("rts_hub_receipt_seconds_sum", "rts_hub_batch_seconds_sum")) {
            double seconds = scraped(sum);
            assertTrue(seconds > 0 && seconds <= passed, sum + " " + seconds + " within the " + passed
                    + " s the test saw pass: seconds, not nanoseconds");
        }
    }

    private double scraped(String name) {
        String text = new String(metrics.scrape(), java.nio.charset.StandardCharsets.UTF_8);
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(name.length() + 1).strip())).findFirst().orElse(-1);
    }

    @Test
    void every_outcome_is_counted_and_only_an_accepted_report_wakes_the_forwarders() throws Exception {
        start(store);
        Device d2 = election.device(2);
        Recorded over = report(d2, 9_999); // more voters than S-2's 480 registered: chained, rejected
        await("the rejection answered", () -> !over.done.isEmpty());
        assertEquals(0, accepted.get(), "a rejection alone gives the forwarders nothing");
        Device d1 = election.device(1);
        Recorded first = report(d1, 10);
        await("the acceptance answered", () -> !first.done.isEmpty());
        assertEquals(1, accepted.get());
        Recorded copy = new Recorded(first.topic, first.payload);
        assertTrue(admission.offer(copy));
        Recorded stray = new Recorded("rts/v1/" + election.id + "/elsewhere", new byte[] {1});
        assertTrue(admission.offer(stray));
        await("the copy answered and the stray acknowledged", () -> !copy.done.isEmpty() && !stray.done.isEmpty());
        assertEquals(List.copyOf(first.done), List.copyOf(copy.done), "the copy gets its receipt again");
        assertEquals(List.of("ack"), List.copyOf(stray.done), "nothing to answer on a topic of no unit");
        assertEquals(1, health.duplicates());
        assertEquals(4, health.processedCount());
        assertEquals(1, accepted.get(), "a copy is not news for the forwarders");
        String text = new String(metrics.scrape(), java.nio.charset.StandardCharsets.UTF_8);
        for (String outcome : List.of("ACCEPTED", "REJECTED", "DUPLICATE")) {
            assertTrue(text.contains("rts_hub_messages_total{outcome=\"" + outcome + "\"} 1.0"), text);
        }
        assertTrue(text.contains("rts_hub_rejections_total{reason=\"RECONCILIATION_FAILED:TURNOUT_ABOVE_REGISTERED\"}"
                + " 1.0"), text);
        assertTrue(text.contains("rts_hub_receipt_seconds_count 4"), text);
        assertTrue(text.matches("(?s).*rts_hub_batch_seconds_count [1-4]\\b.*"), text);
        assertEquals(1, store.head(d1.id).seq());
    }

    @Test
    void a_message_whose_authentication_throws_is_released_unanswered_and_the_next_is_answered() throws Exception {
        start(store);
        registryBroken.set(true);
        Device d = election.device(1);
        Recorded broken = report(d, 10);
        await("released", () -> !broken.done.isEmpty());
        assertEquals(List.of("ack"), List.copyOf(broken.done), "nothing decided, nothing answered");
        assertEquals(0, store.head(d.id).seq());
        registryBroken.set(false);
        Recorded sent = new Recorded(broken.topic, broken.payload);
        assertTrue(admission.offer(sent));
        await("answered when sent again", () -> !sent.done.isEmpty());
        assertEquals(List.of("answer " + Topics.receipt(election.id, d.id)), List.copyOf(sent.done));
        assertEquals(1, store.head(d.id).seq());
        assertEquals(2, health.processedCount());
        assertEquals(0, health.releasedCount(), "a release counts a message the store kept refusing");
    }

    @Test
    void a_fault_that_is_not_the_stores_is_tried_three_times_then_released() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        start((el, keys, decide) -> {
            attempts.incrementAndGet();
            throw new IllegalArgumentException("a bug met on this message");
        });
        Recorded failing = report(election.device(1), 10);
        await("released", () -> !failing.done.isEmpty());
        assertEquals(3, attempts.get());
        assertEquals(List.of("ack"), List.copyOf(failing.done));
        assertEquals(1, health.releasedCount());
        assertEquals(0, health.storeFailures());
    }

    @Test
    void a_stage_closed_while_its_store_fails_stops_and_leaves_the_message_unacknowledged() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        start((el, keys, decide) -> {
            attempts.incrementAndGet();
            throw new StoreException("connection lost", true, null);
        });
        Recorded r = report(election.device(1), 10);
        await("the store seen failing twice", () -> attempts.get() >= 2);
        assertTrue(health.storeFailing());
        stage.close();
        Thread worker = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("hub-intake")).findFirst().orElse(null);
        assertTrue(worker == null || !worker.isAlive(), "the stage's thread ended");
        assertTrue(r.done.isEmpty(), "kept unacknowledged: the broker delivers it again");
        assertEquals(0, health.releasedCount());
        int tried = attempts.get();
        assertEquals(tried, health.storeFailures(), "every attempt counted as the store's fault");
    }
}
