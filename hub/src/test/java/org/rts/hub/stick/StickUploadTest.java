package org.rts.hub.stick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.relay.Relay;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.merkle.LoggedReceipt;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;

/** A stick uploaded in the room: each message decided as the broker's, the receipts zipped at their places. */
class StickUploadTest {
    @TempDir
    Path dir;

    @Test
    void receipts_come_back_at_their_places_and_every_other_file_is_named() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        var hubKey = Certificates.publicKey(Pem.readCertificate(election.files.hubCertificate()));
        try (MessageStore store = MessageStore.open(dir.resolve("hub.db").toString())) {
            var intake = election.intake(store);
            Relay relay = new Relay(election.id, hubKey, d -> {
                intake.process(d.topic(), d.payload(), d.path()).ifPresentOrElse(a -> d.answer(a.topic(), a.receipt()),
                        d::ack);
                return true;
            }, Relay.Limits.DEFAULT, TestElection.CLOCK);
            TestElection.Device d = election.device(1);
            String result = new String(d.chain(d.sign(d.result("parliament", 500, List.of(200, 120, 70)))),
                    StandardCharsets.US_ASCII);
            String unit = "stick/rts-stick/" + election.id + "/dev-1/";
            byte[] zip = StickUpload.receipts(election.id, List.of(
                    new StickUpload.File(unit + "000001-result.jws", result),
                    new StickUpload.File(unit + "000002-result.jws", result.substring(0, 100)),
                    new StickUpload.File(unit + "notes.txt", "charged"),
                    new StickUpload.File("stick/rts-stick/another/dev-1/000001-result.jws", result),
                    new StickUpload.File(unit + "000003-result.jws", "x".repeat(70_000)),
                    new StickUpload.File("stick/rts-stick/" + election.id + "/../x/000001-result.jws", result)),
                    relay::decide);
            Map<String, String> entries = new HashMap<>();
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
                for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    entries.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            String receipt = entries.get("rts-stick/" + election.id + "/dev-1/000001-result.receipt");
            assertEquals("ACCEPTED", LoggedReceipt.decode(receipt.getBytes(StandardCharsets.US_ASCII))
                    .check(hubKey, election.id).receipt().status().name());
            String report = entries.get("rts-stick/import-report.txt");
            assertTrue(report.contains("000001-result.jws: ACCEPTED"), report);
            assertTrue(report.contains("000002-result.jws: not taken: not a signed report"), report);
            assertTrue(report.contains("notes.txt: not a message of a stick"), report);
            assertTrue(report.contains("a message of another election (another)"), report);
            assertTrue(report.contains("000003-result.jws: larger than any message"), report);
            assertTrue(report.contains("/../x/000001-result.jws: not a message of a stick"), report);
            assertEquals(1, store.results(election.id).size());
            assertEquals(2, entries.size(), "the accepted one's receipt and the report: " + entries.keySet());
        }
    }
}
