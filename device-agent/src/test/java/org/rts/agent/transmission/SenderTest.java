package org.rts.agent.transmission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.TestClock;
import org.rts.agent.TestUnit;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.agent.workflow.TallyForm;
import org.rts.agent.workflow.Workflow;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.merkle.ReceiptLog;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.RestartReport;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;

/** The sender against a recording publisher and receipts signed as the hub signs them; the test moves the clock. */
@Timeout(30)
class SenderTest {
    private static final Instant START = Instant.parse("2026-11-22T18:30:00Z");

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock(START);
    private final List<String> published = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private Outbox outbox;
    private Workflow workflow;
    private Sender sender;
    private Es256Signer hub;
    private X509CertificateHolder hubCertificate;
    private OutboxEntry first;
    private OutboxEntry second;

    @BeforeEach
    void setUp() {
        Clock dayBefore = Clock.offset(Clock.fixed(START, java.time.ZoneOffset.UTC), Duration.ofDays(-1));
        ElectionFiles files = TestUnit.election(dir.resolve("election"), dayBefore, new Election("el", "Election",
                Mode.LIVE, List.of(new Race("r", "Race", List.of(new Candidate("a", "A")))),
                List.of(new Station("S-1", "One", 500)), null));
        Path bundleDir = TestUnit.enrol(files, dayBefore, files.bundle("dev-1").dir(), "dev-1", "S-1");
        Bundle bundle = Bundle.load(bundleDir, START);
        hubCertificate = Pem.readCertificate(files.hubCertificate());
        hub = new Es256Signer(Pem.readPrivateKey(files.hubKey()), "hub", Certificates.thumbprint(hubCertificate));
        outbox = Outbox.create(dir.resolve("outbox.db"));
        workflow = new Workflow(bundle, outbox, clock);
        first = workflow.commit(workflow.turnout(100, null));
        second = workflow.commit(workflow.result(new TallyForm("r", 500, 500, 98, 2, 400, 10, Map.of("a", 390),
                null)));
        sender = sender(1);
    }

    private Sender sender(int window) {
        return new Sender("el", "dev-1", outbox, new Sender.Publisher() {
            @Override
            public boolean publish(String topic, byte[] payload) {
                published.add(new String(payload, StandardCharsets.US_ASCII));
                return true;
            }

            @Override
            public boolean isConnected() {
                return true;
            }
        }, new ReceiptVerifier("el", "dev-1", hubCertificate), workflow::resync, clock, executor, window,
                Duration.ofSeconds(20));
    }

    @AfterEach
    void tearDown() throws Exception {
        sender.close();
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        outbox.close();
    }

    private byte[] receipt(OutboxEntry entry, String... reasons) {
        return receipt(entry, Topics.report("el", "dev-1", entry.kind()), null, reasons);
    }

    /** A receipt as the hub signs it; chained unless its reason is one the hub answers before the chain. */
    private byte[] receipt(OutboxEntry entry, String topic, ChainPosition head, String... reasons) {
        List<Finding> findings = java.util.Arrays.stream(reasons).map(r -> new Finding(r, "")).toList();
        boolean chained = findings.isEmpty() || !org.rts.protocol.message.Reason.valueOf(reasons[0]).beforeChain();
        Receipt r = new Receipt(1, "dev-1", topic, entry.hash(), entry.seq(), chained,
                findings.isEmpty() ? Receipt.Status.ACCEPTED : Receipt.Status.REJECTED, findings, List.of(), head,
                clock.instant(), "ABCD-EFGH");
        return logged(hub, r);
    }

    /** The receipt as the hub publishes it: a leaf of its log, under a head {@code signer} signed. */
    private byte[] logged(Es256Signer signer, Receipt r) {
        return new ReceiptLog("el", "rts-hub-el", signer).seal(List.of(MessageCodec.encode(r)), clock.instant())
                .receipts().get(0);
    }

    private static void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not so after 5 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    private List<String> settled() throws Exception {
        // a round trip through the sender's thread: everything it was going to do by now is done
        executor.submit(() -> { }).get();
        return List.copyOf(published);
    }

    @Test
    void sends_oldest_first_within_the_window_and_moves_on_with_each_receipt() throws Exception {
        sender.start();
        until("the first message is sent", () -> published.size() == 1);
        assertEquals(List.of(first.jws()), settled());
        sender.receipt(receipt(first));
        until("the second message is sent", () -> published.size() == 2);
        assertEquals(second.jws(), published.get(1));
        sender.receipt(receipt(second));
        until("the outbox is empty", () -> outbox.pending().isEmpty());
        assertEquals("ACCEPTED", outbox.byHash(second.hash()).orElseThrow().status());
    }

    @Test
    void a_gap_answer_resends_the_earlier_message_now_and_the_later_one_once_the_earlier_is_answered()
            throws Exception {
        sender.close();
        sender = sender(2);
        sender.start();
        until("both messages are sent", () -> published.size() == 2);
        // seq 1 was lost on the way: the hub answers seq 2 with a gap
        sender.receipt(receipt(second, Topics.report("el", "dev-1", second.kind()), ChainPosition.START, "SEQUENCE_GAP"));
        until("seq 1 is sent again", () -> published.size() == 3);
        assertEquals(first.jws(), published.get(2));
        assertEquals(3, settled().size(), "seq 2 waits for seq 1's receipt");
        assertTrue(outbox.byHash(second.hash()).orElseThrow().pending(), "a gap is not final");
        sender.receipt(receipt(first));
        until("seq 2 is sent again as soon as seq 1 is answered", () -> published.size() == 4);
        assertEquals(second.jws(), published.get(3));
        assertFalse(outbox.byHash(first.hash()).orElseThrow().pending());
        sender.receipt(receipt(second));
        until("seq 2 is answered", () -> outbox.pending().isEmpty());
        assertEquals(4, settled().size(), "nothing more to send");
    }

    @Test
    void a_receipt_not_signed_by_the_hub_is_ignored() throws Exception {
        sender.start();
        until("the first message is sent", () -> published.size() == 1);
        ECPrivateKeyParameters other = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        Receipt r = new Receipt(1, "dev-1", Topics.report("el", "dev-1", "turnout"), first.hash(), 1L, true,
                Receipt.Status.ACCEPTED, List.of(), List.of(), null, clock.instant(), "FAKE-CODE");
        // the hub's thumbprint with another key, and another certificate's thumbprint
        sender.receipt(logged(new Es256Signer(other, "hub", hub.header().x5tS256()), r));
        sender.receipt(logged(new Es256Signer(other, "hub", Jws.hash("another certificate".getBytes())), r));
        settled();
        assertTrue(outbox.byHash(first.hash()).orElseThrow().pending());
    }

    @Test
    void a_receipt_for_another_unit_or_for_a_copy_on_another_topic_is_ignored() throws Exception {
        sender.start();
        until("the first message is sent", () -> published.size() == 1);
        Receipt forOther = new Receipt(1, "dev-2", Topics.report("el", "dev-2", "turnout"), first.hash(), 1L, true,
                Receipt.Status.ACCEPTED, List.of(), List.of(), null, clock.instant(), "ABCD-EFGH");
        sender.receipt(logged(hub, forOther));
        // a copy of the turnout report published on the result topic draws TOPIC_MISMATCH: not about this message
        sender.receipt(receipt(first, Topics.report("el", "dev-1", "result"), (ChainPosition) null, "TOPIC_MISMATCH"));
        settled();
        OutboxEntry still = outbox.byHash(first.hash()).orElseThrow();
        assertTrue(still.pending());
        assertEquals(null, still.held());
        sender.receipt(receipt(first));
        until("the genuine receipt is recorded", () -> !outbox.byHash(first.hash()).orElseThrow().pending());
        assertEquals("ACCEPTED", outbox.byHash(first.hash()).orElseThrow().status());
    }

    @Test
    void a_message_the_hub_could_not_authenticate_is_kept_held_and_sent_again_later() throws Exception {
        CompletableFuture<Sender.Answer> answer = sender.await(first.hash());
        sender.start();
        until("the first message is sent", () -> published.size() == 1);
        sender.receipt(receipt(first, "CERTIFICATE_UNTRUSTED"));
        Sender.Answer held = answer.get(10, TimeUnit.SECONDS);
        assertTrue(held.held());
        assertEquals("CERTIFICATE_UNTRUSTED", held.receipt().reasons().get(0).code());
        OutboxEntry kept = outbox.byHash(first.hash()).orElseThrow();
        assertTrue(kept.pending(), "not final: the hub did not chain it");
        assertTrue(kept.held().contains("CERTIFICATE_UNTRUSTED"), kept.held());
        sender.wake();
        assertEquals(1, settled().size(), "nothing is sent while the oldest message is held");

        clock.advance(Hold.FIRST.plusSeconds(1));
        sender.wake();
        until("the held message is sent again", () -> published.size() == 2);
        assertEquals(first.jws(), published.get(1));
        sender.receipt(receipt(first));
        until("then accepted", () -> !outbox.byHash(first.hash()).orElseThrow().pending());
        until("and the next one goes", () -> published.size() == 3);
        assertEquals(second.jws(), published.get(2));
    }

    @Test
    void a_gap_answer_older_than_what_the_hub_confirmed_sends_the_message_again_without_a_restart()
            throws Exception {
        sender.start();
        until("the first message is sent", () -> published.size() == 1);
        sender.receipt(receipt(first));
        until("the second message is sent", () -> published.size() == 2);
        // another hub decided seq 2 before the one that took seq 1 had stored it: its head is seq 0
        sender.receipt(receipt(second, Topics.report("el", "dev-1", second.kind()), new ChainPosition(0, ""),
                "SEQUENCE_GAP"));
        until("seq 2 is sent again", () -> published.size() == 3);
        assertEquals(second.jws(), published.get(2));
        assertEquals(List.of("result"), outbox.pending().stream().map(OutboxEntry::kind)
                .toList(), "no restart: the chain is whole");
        sender.receipt(receipt(second));
        until("seq 2 is answered", () -> outbox.pending().isEmpty());
    }

    @Test
    void a_replay_answer_to_the_oldest_message_restarts_the_chain_after_the_hubs_head() throws Exception {
        CompletableFuture<Sender.Answer> answer = sender.await(second.hash());
        sender.start();
        until("the first message is sent", () -> published.size() == 1);
        ChainPosition hubHead = new ChainPosition(5, Jws.hash("what the hub holds at seq 5".getBytes()));
        sender.receipt(receipt(first, Topics.report("el", "dev-1", first.kind()), hubHead, "SEQUENCE_REPLAY"));
        until("the restart is sent", () -> published.size() == 2);

        List<OutboxEntry> pending = outbox.pending();
        assertEquals(List.of("restart", "turnout", "result"), pending.stream().map(OutboxEntry::kind).toList());
        assertEquals(List.of(6L, 7L, 8L), pending.stream().map(OutboxEntry::seq).toList());
        assertEquals(pending.get(0).jws(), published.get(1));
        RestartReport restart = (RestartReport) MessageCodec.decodeReport(Jws.parse(
                published.get(1).getBytes(StandardCharsets.US_ASCII)).payload());
        assertEquals(hubHead.msg(), restart.prev());
        assertEquals("SUPERSEDED", outbox.byHash(first.hash()).orElseThrow().status());

        for (OutboxEntry e : pending) {
            sender.receipt(receipt(e));
            until("seq " + e.seq() + " is answered", () -> !outbox.byHash(e.hash()).orElseThrow().pending());
        }
        Sender.Answer result = answer.get(10, TimeUnit.SECONDS);
        assertEquals(pending.get(2).hash(), result.entry().hash(), "the waiter follows its report to its new place");
        assertTrue(result.receipt().accepted());
    }

    @Test
    void a_new_message_goes_at_once_when_woken_and_the_next_as_soon_as_the_receipt_comes() throws Exception {
        sender.wake(); // no periodic check running: only wake-ups and receipts move the outbox
        until("the first message is sent", () -> published.size() == 1);
        sender.receipt(receipt(first));
        until("the second follows its predecessor's receipt", () -> published.size() == 2);
        assertEquals(List.of(first.jws(), second.jws()), settled());
        assertEquals(1, outbox.byHash(first.hash()).orElseThrow().attempts());
    }

    @Test
    void a_message_without_receipt_goes_again_once_its_time_is_up_and_on_every_reconnect() throws Exception {
        sender.wake();
        until("the first message is sent", () -> published.size() == 1);
        clock.advance(Duration.ofSeconds(19));
        sender.wake();
        assertEquals(1, settled().size(), "not before 20 s");
        clock.advance(Duration.ofSeconds(1));
        sender.wake();
        until("sent again after 20 s", () -> published.size() == 2);
        sender.connected();
        until("sent again on reconnect", () -> published.size() == 3);
        assertEquals(3, outbox.byHash(first.hash()).orElseThrow().attempts());
        assertEquals(List.of(first.jws(), first.jws(), first.jws()), settled());
    }

    @Test
    void waiting_for_a_message_already_answered_ends_at_once() throws Exception {
        byte[] r = receipt(first);
        outbox.recordReceipt(first.hash(), "ACCEPTED", "ABCD-EFGH", "", new String(r, StandardCharsets.US_ASCII),
                clock.instant());
        Sender.Answer answer = sender.await(first.hash()).get(10, TimeUnit.SECONDS);
        assertTrue(answer.receipt().accepted());
        assertFalse(answer.held());
        CompletableFuture<Sender.Answer> pending = sender.await(second.hash());
        settled();
        assertFalse(pending.isDone(), "a message still waiting is waited for");
        sender.close();
        assertTrue(pending.isCancelled(), "closing the sender lets go of those waiting");
    }

    @Test
    void each_hold_doubles_the_pause_up_to_ten_minutes() throws Exception {
        sender.wake();
        until("the first message is sent", () -> published.size() == 1);
        Duration pause = Hold.FIRST;
        for (int round = 1; round <= 7; round++) {
            int before = published.size();
            sender.receipt(receipt(first, "CERTIFICATE_UNTRUSTED"));
            settled();
            clock.advance(pause.minusSeconds(1));
            sender.wake();
            assertEquals(before, settled().size(), "round " + round + ": still held after " + pause.minusSeconds(1));
            clock.advance(Duration.ofSeconds(1));
            sender.wake();
            until("sent again after " + pause, () -> published.size() == before + 1);
            pause = pause.multipliedBy(2).compareTo(Hold.LONGEST) > 0 ? Hold.LONGEST
                    : pause.multipliedBy(2);
        }
        assertEquals(Hold.LONGEST, pause);
    }

    @Test
    void a_broken_chain_answer_to_the_oldest_message_restarts_the_chain_too() throws Exception {
        sender.wake();
        until("the first message is sent", () -> published.size() == 1);
        ChainPosition hubHead = new ChainPosition(1, Jws.hash("another first message".getBytes()));
        sender.receipt(receipt(first, Topics.report("el", "dev-1", first.kind()), hubHead, "CHAIN_BROKEN"));
        until("the restart is sent", () -> published.size() == 2);
        assertEquals(List.of("restart", "turnout", "result"), outbox.pending().stream().map(OutboxEntry::kind)
                .toList());
    }

    @Test
    void a_sequence_answer_without_the_hubs_head_holds_the_message_rather_than_guess() throws Exception {
        CompletableFuture<Sender.Answer> answer = sender.await(first.hash());
        sender.wake();
        until("the first message is sent", () -> published.size() == 1);
        sender.receipt(receipt(first, Topics.report("el", "dev-1", first.kind()), (ChainPosition) null, "SEQUENCE_REPLAY"));
        assertTrue(answer.get(10, TimeUnit.SECONDS).held());
        assertEquals(List.of(first.hash(), second.hash()), outbox.pending().stream().map(OutboxEntry::hash).toList(),
                "no restart without the hub's head");
    }

    @Test
    void a_unit_refused_by_the_broker_tells_those_waiting() throws Exception {
        CompletableFuture<Sender.Answer> answer = sender.await(first.hash());
        sender.refused("the broker refused this unit's certificate (TLS alert certificate_revoked)");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> answer.get(10, TimeUnit.SECONDS));
        assertInstanceOf(BrokerRefusedException.class, e.getCause());
        CompletableFuture<Sender.Answer> later = sender.await(second.hash());
        assertTrue(later.isCompletedExceptionally(), "told at once while the broker refuses");
        sender.connected();
        settled();
        assertFalse(sender.await(second.hash()).isDone(), "a connection lifts the refusal");
        assertFalse(outbox.pending().isEmpty(), "the messages are kept");
    }
}
