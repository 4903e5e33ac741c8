package org.rts.hub.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.HubException;
import org.rts.hub.export.Exporter;
import org.rts.hub.intake.Intake;
import org.rts.hub.store.AuditStore;
import org.rts.hub.store.ExportSnapshot;
import org.rts.hub.store.MessageStore;
import org.rts.hub.store.ResultStore;
import org.rts.hub.testing.TestElection;
import org.rts.hub.units.Alerts;
import org.rts.protocol.Topics;
import org.rts.protocol.audit.AuditSelection;
import org.rts.protocol.export.ExportFiles;
import org.rts.protocol.export.ExportManifest;
import org.rts.protocol.message.Mode;
import org.rts.provisioning.audit.CaPin;
import org.rts.provisioning.audit.ExportVerifier;

/** The hand-count audit: chosen once from the seed, counts compared with the accepted results, exported, checked. */
class HandAuditTest {
    private static final String SEED = "3 5 1 6 2 4 4 1";

    @TempDir
    Path dir;

    private TestElection election;
    private MessageStore store;
    private AuditStore audits;
    private ResultStore results;
    private HandAudit audit;

    @BeforeEach
    void setUp() {
        election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        String location = dir.resolve("hub.db").toString();
        store = MessageStore.open(location);
        Intake intake = election.intake(store);
        for (int i = 1; i <= 3; i++) {
            TestElection.Device d = election.device(i);
            int registered = election.election.station("S-" + i).orElseThrow().registeredVoters();
            intake.process(Topics.report(election.id, d.id, Topics.RESULT), d.chain(d.sign(d.result("parliament",
                    registered, List.of(200, 120, 70)))));
        }
        audits = AuditStore.open(location);
        results = ResultStore.open(location);
        audit = new HandAudit(election.election, audits, results, TestElection.CLOCK);
    }

    @AfterEach
    void tearDown() {
        results.close();
        audits.close();
        store.close();
    }

    @Test
    void theStationsAreChosenOnceFromTheSeedAndEachCountIsComparedWithItsResult() {
        assertNull(audit.picture().selection());
        assertThrows(HubException.class, () -> audit.enter("S-1", "parliament", 400, 10, List.of(200, 120, 70),
                "amal"), "nothing to count before the selection");
        HandAudit.Picture picture = audit.select(SEED, 2, false, 5.0, "amal");
        List<String> chosen = AuditSelection.select(election.election, SEED, 2, false).stream()
                .map(AuditSelection.Pick::station).toList();
        assertEquals(chosen, picture.rows().stream().map(HandAudit.Row::station).toList());
        assertTrue(assertThrows(HubException.class, () -> audit.select("another seed", 2, false, 5.0, "samir"))
                .getMessage().contains("a selection is made once"));
        String other = List.of("S-1", "S-2", "S-3").stream().filter(s -> !chosen.contains(s)).findFirst()
                .orElseThrow();
        assertTrue(assertThrows(HubException.class, () -> audit.enter(other, "parliament", 400, 10,
                List.of(200, 120, 70), "amal")).getMessage().contains("not among the stations selected"));
        assertThrows(HubException.class, () -> audit.enter(chosen.get(0), "parliament", 400, 10, List.of(200, 120),
                "amal"), "a figure per candidate");

        audit.enter(chosen.get(0), "parliament", 400, 10, List.of(200, 121, 69), "amal"); // 2 of 400: 0.5 %
        audit.enter(chosen.get(1), "parliament", 400, 12, List.of(180, 120, 88), "amal"); // 40 of 400: 10 %
        List<HandAudit.Row> rows = audit.picture().rows();
        assertEquals("matches", rows.get(0).state());
        assertEquals(2, rows.get(0).comparison().difference());
        assertEquals("UNDER AUDIT", rows.get(1).state());
        assertEquals(40, rows.get(1).comparison().difference());
        List<Alerts.Raised> raised = audit.raised();
        assertEquals(1, raised.size());
        assertEquals(Alerts.Rule.AUDIT_DIFFERENCE, raised.get(0).rule());
        assertEquals(chosen.get(1), raised.get(0).station());
    }

    @Test
    void aResultPutUnderAuditAndTakenOutAgainIsToldToTheTallyCentresInNoticesTheHubSigns() throws Exception {
        String upstream = "https://tally.example/in";
        var hubCert = org.rts.protocol.pki.Pem.readCertificate(election.files.hubCertificate());
        HandAudit told = new HandAudit(election.election, audits, results, TestElection.CLOCK,
                new org.rts.hub.receipt.ReceiptIssuer(org.rts.protocol.pki.Pem.readPrivateKey(election.files.hubKey()),
                        hubCert).signer(), new org.rts.hub.forward.Forwarding(List.of(java.net.URI.create(upstream)),
                        java.util.Set.of(Topics.RESULT), null));
        told.select(SEED, 3, false, 5.0, "amal");
        told.enter("S-2", "parliament", 400, 12, List.of(180, 120, 88), "amal"); // 40 of 400
        told.publish();
        told.publish();
        try (org.rts.hub.store.ForwardQueue queue = org.rts.hub.store.ForwardQueue.open(dir.resolve("hub.db")
                .toString())) {
            long now = System.currentTimeMillis();
            List<org.rts.hub.store.ForwardQueue.Entry> queued = queue.claim(upstream, "h", now, 60_000, 10);
            assertEquals(1, queued.size(), "one notice, not one per run");
            org.rts.hub.store.ForwardQueue.Entry e = queued.get(0);
            assertEquals(List.of("audit", "hub", "S-2"), List.of(e.kind(), e.device(), e.station()));
            assertNull(e.receipt());
            org.rts.protocol.jws.Jws jws = org.rts.protocol.jws.Jws.parse(e.jws().getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
            assertTrue(org.rts.protocol.jws.Es256Verifier.verify(jws, org.rts.protocol.pki.Certificates.publicKey(
                    hubCert)), "signed by the hub's key");
            var notice = org.rts.protocol.codec.Json.mapper().readValue(jws.payload(),
                    org.rts.protocol.audit.AuditNotice.class);
            assertTrue(notice.underAudit());
            assertEquals(40, notice.difference());
            assertEquals(results.result(election.id, "S-2", "parliament").orElseThrow().messageHash(),
                    notice.result());

            told.enter("S-2", "parliament", 400, 10, List.of(200, 120, 70), "amal"); // recounted: matches
            told.publish();
            List<org.rts.hub.store.ForwardQueue.Entry> next = queue.claim(upstream, "h", now + 1, 60_000, 10);
            assertEquals(2, next.size(), "the first not yet delivered, and the second notice");
            assertFalse(org.rts.protocol.codec.Json.mapper().readValue(org.rts.protocol.jws.Jws.parse(next.get(1)
                    .jws().getBytes(java.nio.charset.StandardCharsets.US_ASCII)).payload(),
                    org.rts.protocol.audit.AuditNotice.class).underAudit(), "out of the audit again");
        }
    }

    @Test
    void theExportHoldsTheAuditAndVerifyExportChoosesAndComparesAgain() throws Exception {
        audit.select(SEED, 3, false, 5.0, "amal");
        audit.enter("S-2", "parliament", 400, 12, List.of(180, 120, 88), "amal");
        Path out;
        try (ExportSnapshot snapshot = ExportSnapshot.open(dir.resolve("hub.db").toString())) {
            out = new Exporter(election.files, snapshot, TestElection.CLOCK).export(dir.resolve("export")).dir();
        }
        var pin = CaPin.of(election.files.caCertificate());
        ExportVerifier.Result result = ExportVerifier.verify(out, pin, List.of());
        assertTrue(result.ok(), result.problems().toString());
        assertTrue(result.checked().contains("under audit: station S-2 race parliament, the hand count differs by 40"
                + " ballots from the accepted result"), result.checked().toString());
        assertTrue(result.checked().stream().anyMatch(c -> c.startsWith("hand-count audit: 3 stations chosen again"
                + " from the public seed '" + SEED + "'")), result.checked().toString());
        ExportManifest manifest = org.rts.protocol.codec.Json.mapper().readValue(Files.readAllBytes(new ExportFiles(out).manifest()),
                ExportManifest.class);
        assertEquals(List.of("S-2"), manifest.tally().races().get("parliament").underAudit(),
                "the result under audit still counts, and the tally names it");

        // an export that hides the difference: its flag no longer follows from the result (and its hash changed)
        Path file = new ExportFiles(out).audit();
        Files.writeString(file, Files.readString(file).replace("\"flagged\" : true", "\"flagged\" : false"));
        ExportVerifier.Result altered = ExportVerifier.verify(out, pin, List.of());
        assertFalse(altered.ok());
        assertTrue(altered.problems().stream().anyMatch(p -> p.startsWith("audit.json: station S-2 race parliament:"
                + " compared with the accepted result, the difference is 40 (under audit)")),
                altered.problems().toString());
    }
}
