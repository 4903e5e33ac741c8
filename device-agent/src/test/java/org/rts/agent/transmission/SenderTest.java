package org.rts.agent.transmission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.TestUnit;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.agent.workflow.TallyForm;
import org.rts.agent.workflow.Workflow;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;

/** The sender against a recording publisher and receipts signed as the hub signs them; the clock stands still. */
@Timeout(30)
class SenderTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T18:30:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private final List<String> published = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private Outbox outbox;
    private Sender sender;
    private Es256Signer hub;
    private X509CertificateHolder hubCertificate;
    private OutboxEntry first;
    private OutboxEntry second;

    @BeforeEach
    void setUp() {
        Clock dayBefore = Clock.offset(CLOCK, Duration.ofDays(-1));
        ElectionFiles files = TestUnit.election(dir.resolve("election"), dayBefore, new Election("el", "Election",
                Mode.LIVE, List.of(new Race("r", "Race", List.of(new Candidate("a", "A")))),
                List.of(new Station("S-1", "One", 500)), null));
        Path bundleDir = TestUnit.enrol(files, dayBefore, files.bundle("dev-1").dir(), "dev-1", "S-1");
        Bundle bundle = Bundle.load(bundleDir, CLOCK.instant());
        X509CertificateHolder hubCert = Pem.readCertificate(files.hubCertificate());
        hub = new Es256Signer(Pem.readPrivateKey(files.hubKey()), "hub", Certificates.thumbprint(hubCert));
        outbox = Outbox.open(dir.resolve("outbox.db"));
        Workflow workflow = new Workflow(bundle, outbox, CLOCK);
        first = workflow.commit(workflow.turnout(100, null));
        second = workflow.commit(workflow.result(new TallyForm("r", 500, 500, 98, 2, 400, 10, Map.of("a", 390),
                null)));
        hubCertificate = hubCert;
        sender = sender(1);
    }

    private Sender sender(int window) {
        return new Sender("dev-1", outbox, new Sender.Publisher() {
            @Override
            public boolean publish(String topic, byte[] payload) {
                published.add(new String(payload, StandardCharsets.US_ASCII));
                return true;
            }

            @Override
            public boolean isConnected() {
                return true;
            }
        }, new ReceiptVerifier("dev-1", hubCertificate), CLOCK, executor, window, Duration.ofSeconds(20));
    }

    @AfterEach
    void tearDown() throws Exception {
        sender.close();
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
        outbox.close();
    }

    private byte[] receipt(OutboxEntry entry, String... reasons) {
        List<Finding> findings = java.util.Arrays.stream(reasons).map(r -> new Finding(r, "")).toList();
        Receipt r = new Receipt(1, "dev-1", entry.hash(), entry.seq(),
                findings.isEmpty() ? Receipt.Status.ACCEPTED : Receipt.Status.REJECTED, findings, List.of(),
                CLOCK.instant(), "ABCD-EFGH");
        return hub.sign(MessageCodec.encode(r)).getBytes(StandardCharsets.US_ASCII);
    }

    private static void until(String what, BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            Thread.sleep(10);
        }
    }

    private List<String> sentOnce() throws Exception {
        // a round trip through the sender's thread: everything it was going to do by now is done
        executor.submit(() -> { }).get();
        return List.copyOf(published);
    }

    @Test
    void sends_oldest_first_within_the_window_and_moves_on_with_each_receipt() throws Exception {
        sender.start();
        until("the first message is sent", () -> published.size() == 1);
        assertEquals(List.of(first.jws()), sentOnce());
        sender.receipt(receipt(first));
        until("the second message is sent", () -> published.size() == 2);
        assertEquals(second.jws(), published.get(1));
        sender.receipt(receipt(second));
        until("the outbox is empty", () -> outbox.pending().isEmpty());
        assertEquals("ACCEPTED", outbox.byHash(second.hash()).orElseThrow().status());
    }

    @Test
    void a_gap_answer_resends_the_earlier_message_now_and_the_later_one_only_on_its_timer() throws Exception {
        sender.close();
        sender = sender(2);
        sender.start();
        until("both messages are sent", () -> published.size() == 2);
        // seq 1 was lost on the way: the hub answers seq 2 with a gap
        sender.receipt(receipt(second, "SEQUENCE_GAP"));
        until("seq 1 is sent again", () -> published.size() == 3);
        assertEquals(first.jws(), published.get(2));
        assertEquals(3, sentOnce().size(), "seq 2 waits for its resend timer");
        assertTrue(outbox.byHash(second.hash()).orElseThrow().pending(), "a gap is not final");
        sender.receipt(receipt(first));
        until("seq 1 is answered", () -> !outbox.byHash(first.hash()).orElseThrow().pending());
        assertEquals(3, sentOnce().size());
    }

    @Test
    void a_receipt_not_signed_by_the_hub_is_ignored() throws Exception {
        sender.start();
        until("the first message is sent", () -> published.size() == 1);
        Es256Signer impostor = new Es256Signer((org.bouncycastle.crypto.params.ECPrivateKeyParameters)
                Keys.generate().getPrivate(), "hub", hub.header().x5tS256());
        Receipt r = new Receipt(1, "dev-1", first.hash(), 1L, Receipt.Status.ACCEPTED, List.of(), List.of(),
                CLOCK.instant(), "FAKE-CODE");
        sender.receipt(impostor.sign(MessageCodec.encode(r)).getBytes(StandardCharsets.US_ASCII));
        sentOnce();
        assertTrue(outbox.byHash(first.hash()).orElseThrow().pending());
    }
}
