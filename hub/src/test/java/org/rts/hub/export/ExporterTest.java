package org.rts.hub.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.HubException;
import org.rts.hub.intake.Intake;
import org.rts.hub.receipt.ReceiptIssuer;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.store.ExportSnapshot;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Verification;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.Json;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Station;
import org.rts.protocol.export.ExportFiles;
import org.rts.protocol.export.ExportManifest;
import org.rts.protocol.export.ExportRecord;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.audit.CaPin;
import org.rts.provisioning.audit.ExportVerifier;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.enrolment.Enrolment;
import org.rts.provisioning.revocation.Revocation;

/**
 * An export of an election with every kind of record (accepted, rejected on content, unauthenticated, resend, a
 * revoked unit and a re-assigned one) verifies, and each single alteration, drop, reordering or replay of a record
 * is found by the verifier.
 */
class ExporterTest {
    @TempDir
    Path dir;

    private TestElection election;
    private MessageStore store;
    private Intake intake;
    private RegistryWatch registry;
    private ReceiptIssuer receipts;

    /** Where the store is: an SQLite file here, a PostgreSQL schema in {@link ExporterPostgresTest}. */
    String storeLocation() {
        return dir.resolve("hub.db").toString();
    }

    @BeforeEach
    void setUp() throws Exception {
        election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        store = MessageStore.open(storeLocation());
        var files = election.files;
        registry = new RegistryWatch(files.registry(), files.crl(), Pem.readCertificate(files.caCertificate()),
                election.id);
        receipts = new ReceiptIssuer(Pem.readPrivateKey(files.hubKey()), Pem.readCertificate(files.hubCertificate()));
        intake = new Intake(election.election, new Verification(
                new Authenticator(election.election, registry::current)), store,
                election.receiptLog(store), TestElection.CLOCK);
        Device dev1 = election.device(1);
        Device dev2 = election.device(2);
        Device dev3 = election.device(3);
        send(dev1, dev1.chain(dev1.sign(dev1.turnout(100))), Topics.TURNOUT);
        byte[] result1 = dev1.chain(dev1.sign(dev1.result(200, 120, 70)));
        send(dev1, result1, Topics.RESULT);
        send(dev1, result1, Topics.RESULT); // a resend: same receipt again, not stored again
        send(dev2, dev2.chain(dev2.sign(dev2.turnout(50))), Topics.TURNOUT);
        // rejected on content (more ballots in the box than registered voters), still chained
        send(dev2, dev2.chain(dev2.sign(dev2.result(480, 600, 98, 2, 500, 10, List.of(200, 200, 90)))),
                Topics.RESULT);
        Device rogue = election.rogue(1);
        send(rogue, rogue.sign(rogue.turnout(1)), Topics.TURNOUT); // not authenticated: unchained
        send(dev3, dev3.chain(dev3.sign(dev3.turnout(30))), Topics.TURNOUT);
        // dev-3 is withdrawn; dev-2 is re-assigned to its station and reports there
        Files.setLastModifiedTime(files.registry(), FileTime.fromMillis(0));
        ElectionAuthority authority = ElectionAuthority.load(files, TestElection.CLOCK);
        new Revocation(authority).revoke("dev-3");
        new Enrolment(ElectionAuthority.load(files, TestElection.CLOCK)).reassign("dev-2", "S-3");
        registry.reloadIfChanged();
        send(dev3, dev3.sign(dev3.turnout(40)), Topics.TURNOUT); // DEVICE_REVOKED
        Device moved = election.device(2, "S-3");
        moved.seq = dev2.seq;
        moved.prev = dev2.prev;
        send(moved, moved.chain(moved.sign(moved.result(450, 500, 148, 2, 350, 5, List.of(100, 200, 45)))),
                Topics.RESULT);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private void send(Device device, byte[] message, String kind) {
        intake.process(Topics.report(election.id, device.id, kind), message);
    }

    private Path export(String name) {
        try (ExportSnapshot snapshot = ExportSnapshot.open(storeLocation())) {
            return new Exporter(election.files, snapshot, TestElection.CLOCK).export(dir.resolve(name)).dir();
        }
    }

    private ExportVerifier.Result verify(Path export) {
        return verify(export, List.of());
    }

    private String caSha256() {
        return CaPin.of(election.files.caCertificate()).sha256();
    }

    private ExportVerifier.Result verify(Path export, List<Path> treeHeads) {
        return ExportVerifier.verify(export, CaPin.of(election.files.caCertificate()), treeHeads);
    }

    @Test
    void the_export_holds_every_record_and_verifies() throws Exception {
        Path out = export("export");
        ExportVerifier.Result result = verify(out);
        assertTrue(result.ok(), result.problems().toString());
        List<ExportRecord> records = records(out);
        assertEquals(List.of("ACCEPTED", "ACCEPTED", "ACCEPTED", "REJECTED", "REJECTED", "ACCEPTED", "REJECTED",
                "ACCEPTED"), records.stream().map(ExportRecord::status).toList(), "the resend is not stored again");
        ExportManifest manifest = manifest(out);
        assertEquals(Map.of("ACCEPTED", 5L, "REJECTED", 3L), manifest.counts());
        assertEquals(Map.of("S-1", 100, "S-2", 50, "S-3", 30), manifest.tally().turnout());
        ExportManifest.RaceTally race = manifest.tally().races().get("parliament");
        assertEquals(List.of("S-1", "S-3"), race.stations());
        assertEquals(Map.of("a", 300L, "b", 320L, "c", 115L), race.votes());
        assertEquals(List.of("dev-1:2", "dev-2:3", "dev-3:1"), manifest.units().stream()
                .map(u -> u.device() + ":" + u.lastSeq()).toList());
        try (Stream<Path> files = Files.walk(out)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".key")), "no private key leaves the hub");
        }
        assertEquals(4, Files.list(out.resolve("devices")).count(), "every certificate ever issued, the"
                + " withdrawn ones too");
        assertTrue(Files.exists(new ExportFiles(out).crl()));
    }

    @Test
    void the_export_carries_the_receipt_log_each_record_claims_its_leaf_and_a_units_receipt_proves_it_complete()
            throws Exception {
        Path out = export("export");
        List<String> log = Files.readAllLines(new ExportFiles(out).receiptLog(TestElection.LOG));
        assertEquals(9, log.size(), "the head, then one leaf a receipt the hub logged (the resend got its first)");
        ExportVerifier.Result result = verify(out);
        assertTrue(result.checked().stream().anyMatch(c -> c.startsWith("1 receipt log (" + TestElection.LOG
                + ": 8 leaves")), result.checked().toString());
        Path held = dir.resolve("held-receipt.json");
        Files.writeString(held, records(out).get(0).receipt());
        result = verify(out, List.of(held));
        assertTrue(result.ok(), result.problems().toString());
        assertTrue(result.checked().stream().anyMatch(c -> c.contains("the tree head of 1 leaves of "
                + TestElection.LOG + " signed at") && c.contains("is consistent with the exported log of 8")),
                result.checked().toString());
    }

    @Test
    void a_units_last_message_deleted_from_the_database_shows_as_a_leaf_no_record_answers() throws Exception {
        // with write access to the database alone: dev-1's result removed and its chain rolled back
        Path held = dir.resolve("dev-1-last-receipt.json");
        String hash;
        try (var c = java.sql.DriverManager.getConnection(jdbc()); var st = c.createStatement();
             var rs = st.executeQuery("SELECT msg_hash, receipt FROM chain WHERE device = 'dev-1' AND seq = 2")) {
            rs.next();
            hash = rs.getString(1);
            Files.write(held, rs.getBytes(2));
        }
        try (var c = java.sql.DriverManager.getConnection(jdbc()); var st = c.createStatement()) {
            st.executeUpdate("DELETE FROM inbound WHERE msg_hash = '" + hash + "'");
            st.executeUpdate("DELETE FROM chain WHERE msg_hash = '" + hash + "'");
            st.executeUpdate("DELETE FROM results WHERE msg_hash = '" + hash + "'");
            st.executeUpdate("UPDATE heads SET seq = 1, msg_hash = (SELECT msg_hash FROM chain WHERE device = 'dev-1'"
                    + " AND seq = 1) WHERE device = 'dev-1'");
        }
        Path out = export("export");
        assertProblem(out, "1 receipts of the hubs' logs answer no record of the export, and the manifest accounts"
                + " for 0");

        // and its leaves and heads removed too, down to before it: the export holds together, the unit's receipt
        // does not
        try (var c = java.sql.DriverManager.getConnection(jdbc()); var st = c.createStatement()) {
            st.executeUpdate("DELETE FROM inbound WHERE id > 1");
            st.executeUpdate("DELETE FROM chain WHERE received_at IS NOT NULL AND NOT (device = 'dev-1' AND seq = 1)");
            st.executeUpdate("DELETE FROM results");
            st.executeUpdate("DELETE FROM heads WHERE device <> 'dev-1'");
            st.executeUpdate("DELETE FROM stations WHERE station <> 'S-1'");
            st.executeUpdate("DELETE FROM receipt_log WHERE idx > 0");
            st.executeUpdate("DELETE FROM receipt_heads WHERE size > 1");
        }
        Path shortened = export("shortened");
        ExportVerifier.Result alone = verify(shortened);
        assertTrue(alone.ok(), "a consistent store, shortened: " + alone.problems());
        ExportVerifier.Result withReceipt = verify(shortened, List.of(held));
        assertFalse(withReceipt.ok());
        assertTrue(withReceipt.problems().stream().anyMatch(p -> p.contains("the hub signed 2 leaves of "
                + TestElection.LOG) && p.contains("is not a continuation of it")), withReceipt.problems().toString());
    }

    @Test
    void a_units_rows_deleted_with_its_heads_row_fail_naming_the_unit_even_with_the_dropped_counts_made_to_match()
            throws Exception {
        // with write access to the database alone: every row of dev-1 and its station's figures gone, and as many
        // messages counted as dropped beyond the per-unit bound as the receipt log has leaves left over
        try (var c = java.sql.DriverManager.getConnection(jdbc()); var st = c.createStatement()) {
            st.executeUpdate("DELETE FROM inbound WHERE device = 'dev-1'");
            st.executeUpdate("DELETE FROM chain WHERE device = 'dev-1'");
            st.executeUpdate("DELETE FROM results WHERE device = 'dev-1'");
            st.executeUpdate("DELETE FROM heads WHERE device = 'dev-1'");
            st.executeUpdate("DELETE FROM stations WHERE station = 'S-1'");
            st.executeUpdate("UPDATE unchained SET dropped = 3 WHERE device = 'dev-1'");
        }
        Path out = export("export");
        ExportVerifier.Result result = verify(out);
        assertFalse(result.ok());
        assertTrue(result.problems().stream().anyMatch(p -> p.startsWith("unit dev-1: its chained message seq 1 (")
                && p.contains("is leaf 0 of receipt log " + TestElection.LOG)), result.problems().toString());
        assertTrue(result.problems().stream().anyMatch(p -> p.startsWith("unit dev-1: its chained message seq 2 (")),
                result.problems().toString());
        assertEquals(2, result.problems().size(), "the counts, tally and chains hold together: " + result.problems());
        assertTrue(result.checked().contains("station S-1: no result for parliament"), result.checked().toString());
        assertTrue(result.checked().stream().anyMatch(c -> c.startsWith("3 units enrolled in the signed registry: 2"
                + " with chained messages in the export, 1 with none (dev-1)")), result.checked().toString());
        Recipe.Run run = Recipe.fromVerifyMd().run(out, caSha256());
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("PROBLEM: unit dev-1: its chained message seq 2 is leaf 1 of receipt log "
                + TestElection.LOG + " but not in the export"), run.output());
        assertTrue(run.output().contains("units enrolled with no chained message: dev-1"), run.output());
    }

    @Test
    void a_units_last_result_deleted_with_its_heads_row_rolled_back_fails_naming_the_unit() throws Exception {
        try (var c = java.sql.DriverManager.getConnection(jdbc()); var st = c.createStatement()) {
            String hash = "(SELECT msg_hash FROM chain WHERE device = 'dev-1' AND seq = 2)";
            st.executeUpdate("DELETE FROM inbound WHERE msg_hash = " + hash);
            st.executeUpdate("DELETE FROM results WHERE device = 'dev-1'");
            st.executeUpdate("DELETE FROM chain WHERE device = 'dev-1' AND seq = 2");
            st.executeUpdate("UPDATE heads SET seq = 1, msg_hash = (SELECT msg_hash FROM chain WHERE device = 'dev-1'"
                    + " AND seq = 1) WHERE device = 'dev-1'");
            st.executeUpdate("UPDATE unchained SET dropped = 1 WHERE device = 'dev-1'");
        }
        Path out = export("export");
        ExportVerifier.Result result = verify(out);
        assertEquals(1, result.problems().size(), result.problems().toString());
        assertTrue(result.problems().get(0).startsWith("unit dev-1: its chained message seq 2 ("),
                result.problems().toString());
        Recipe.Run run = Recipe.fromVerifyMd().run(out, caSha256());
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("PROBLEM: unit dev-1: its chained message seq 2 is leaf 1 of receipt log "
                + TestElection.LOG + " but not in the export: its messages were removed\n"), run.output());
        assertTrue(run.output().endsWith("\n1 problems\n"), run.output());
    }

    @Test
    void a_rejection_the_hubs_checks_do_not_give_fails() throws Exception {
        // a hub that took S-1 for a station of 300 voters, not the 500 of the signed ballot definition
        Election e = election.election;
        Election wrong = new Election(e.id(), e.name(), e.mode(), e.races(), e.stations().stream()
                .map(s -> s.id().equals("S-1") ? new Station(s.id(), s.name(), 300) : s).toList(), e.tolerances());
        String location = dir.resolve("wrong.db").toString();
        try (MessageStore wrongStore = MessageStore.open(location)) {
            Intake to = new Intake(wrong, new Verification(new Authenticator(wrong, registry::current)), wrongStore,
                    election.receiptLog(wrongStore), TestElection.CLOCK);
            Device d1 = election.device(1);
            String topic = Topics.report(election.id, d1.id, Topics.TURNOUT);
            to.process(topic, d1.chain(d1.sign(d1.turnout(100))));
            to.process(topic, d1.chain(d1.sign(d1.turnout(90)))); // rightly rejected: below the 100 accepted
            to.process(Topics.report(election.id, d1.id, Topics.RESULT), d1.chain(d1.sign(d1.result(200, 120, 70))));
        }
        Path out;
        try (ExportSnapshot snapshot = ExportSnapshot.open(location)) {
            out = new Exporter(election.files, snapshot, TestElection.CLOCK).export(dir.resolve("wrong-export")).dir();
        }
        assertEquals(List.of("ACCEPTED", "REJECTED", "REJECTED"), records(out).stream().map(ExportRecord::status)
                .toList());
        ExportVerifier.Result result = verify(out);
        assertEquals(1, result.problems().size(), result.problems().toString());
        assertTrue(result.problems().get(0).startsWith("record 3 (line 3): rejected for [RECONCILIATION_FAILED:"),
                result.problems().toString());
        assertTrue(result.problems().get(0).endsWith("but the hub's own checks give no reason to reject it: the"
                + " rejection does not follow from the message"), result.problems().toString());
    }

    @Test
    void a_units_flood_of_signed_rejected_results_exports_withheld_bodies_that_both_verifiers_accept()
            throws Exception {
        Device dev1 = election.device(1);
        var head = store.head("dev-1");
        dev1.seq = head.seq();
        dev1.prev = head.msg();
        List<Integer> padding = Collections.nCopies(5_000, 1_000_000); // too many candidates: rejected, chained
        int n = 45;
        for (int i = 0; i < n; i++) {
            send(dev1, dev1.chain(dev1.sign(dev1.result("parliament", 500, padding))), Topics.RESULT);
        }
        send(dev1, dev1.chain(dev1.sign(dev1.turnout(120))), Topics.TURNOUT); // its prev: a withheld one's hash
        Path out = export("export");
        List<ExportRecord> records = records(out);
        long withheld = records.stream().filter(r -> r.body() == null && r.status().equals("REJECTED")
                && r.device().equals("dev-1")).count();
        assertEquals(store.withheld("dev-1").withheld(), withheld);
        assertTrue(withheld >= n - MessageStore.REJECTED_BODY_BYTES / 50_000, withheld + " withheld");
        assertEquals("ACCEPTED", records.get(records.size() - 1).status());
        assertEquals(2 + n + 1, manifest(out).units().stream().filter(u -> u.device().equals("dev-1")).findFirst()
                .orElseThrow().lastSeq());
        ExportVerifier.Result result = verify(out);
        assertTrue(result.ok(), result.problems().toString());
        assertTrue(result.checked().stream().anyMatch(c -> c.contains("; " + withheld + " rejected messages past"
                + " their unit's storage bound")), result.checked().toString());
        Recipe.Run run = Recipe.fromVerifyMd().run(out, caSha256());
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains(", " + withheld + " bodies withheld"), run.output());
    }

    @Test
    void an_accepted_record_with_its_body_withheld_fails_both_verifiers() throws Exception {
        Path out = export("export");
        editRecords(out, records -> records.stream().map(r -> r.n() == 1 ? with(r, null) : r).toList());
        resign(out);
        assertEquals("ACCEPTED", records(out).get(0).status());
        assertProblem(out, "record 1 (line 1): an accepted message in dev-1's chain without its body: only a"
                + " rejected message's body may be withheld");
        Recipe.Run run = Recipe.fromVerifyMd().run(out, caSha256());
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("PROBLEM: record 1: accepted, chained without a body"), run.output());
    }

    @Test
    void a_changed_leaf_in_the_exported_log_is_found() throws Exception {
        Path out = export("export");
        Path file = new ExportFiles(out).receiptLog(TestElection.LOG);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(3, lines.get(4));
        Files.write(file, lines);
        resign(out);
        assertProblem(out, "leaves do not make the tree of 8 its signed head describes");
    }

    private String jdbc() {
        return storeLocation().startsWith("jdbc:") ? storeLocation() : "jdbc:sqlite:" + storeLocation();
    }

    @Test
    void an_existing_folder_is_refused_and_nothing_is_left_half_written() throws Exception {
        Files.createDirectories(dir.resolve("taken"));
        HubException e = assertThrows(HubException.class, () -> export("taken"));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".partial-")));
        }
    }

    @Test
    void a_missing_signature_in_the_election_folder_stops_the_export_and_leaves_nothing() throws Exception {
        Files.delete(election.files.dir().resolve("registry.json.sig"));
        assertThrows(RuntimeException.class, () -> export("export"));
        assertFalse(Files.exists(dir.resolve("export")));
    }

    @Test
    void an_altered_record_is_found() throws Exception {
        Path out = export("export");
        editRecords(out, records -> {
            ExportRecord r = records.get(1);
            String body = r.body();
            char c = body.charAt(body.length() / 2);
            records.set(1, with(r, body.substring(0, body.length() / 2) + (c == 'A' ? 'B' : 'A')
                    + body.substring(body.length() / 2 + 1)));
            return records;
        });
        assertProblem(out, "messages.jsonl: altered");
        assertProblem(out, "record 2 (line 2): body does not match");
    }

    @Test
    void a_dropped_record_is_found() throws Exception {
        Path out = export("export");
        editRecords(out, records -> {
            records.remove(3);
            return records;
        });
        assertProblem(out, "expected record 4");
        assertProblem(out, "chain is broken");
    }

    @Test
    void dropping_the_last_message_of_a_unit_is_found() throws Exception {
        Path out = export("export");
        editRecords(out, records -> {
            records.remove(records.size() - 1); // dev-2's result for S-3, its last message
            return records;
        });
        assertProblem(out, "unit dev-2: the manifest's last message is seq 3");
        resign(out);
        assertProblem(out, "unit dev-2: the manifest's last message is seq 3");
    }

    @Test
    void reordered_records_are_found() throws Exception {
        Path out = export("export");
        editRecords(out, records -> {
            Collections.swap(records, 0, 1);
            return records;
        });
        assertProblem(out, "expected record 1");
        assertProblem(out, "chain is broken");
    }

    @Test
    void a_replayed_record_is_found_even_renumbered_under_a_valid_manifest() throws Exception {
        Path out = export("export");
        editRecords(out, records -> {
            records.add(records.get(0));
            return records;
        });
        assertProblem(out, "expected record 9");
        editRecords(out, records -> renumber(records));
        resign(out);
        assertProblem(out, "is chained twice");
    }

    @Test
    void a_record_dropped_and_renumbered_under_a_manifest_signed_again_still_breaks_the_chain() throws Exception {
        Path out = export("export");
        editRecords(out, records -> {
            records.remove(0);
            return renumber(records);
        });
        resign(out);
        assertProblem(out, "dev-1 seq 2 (prev");
    }

    @Test
    void a_tally_changed_in_a_manifest_signed_again_differs_from_the_messages() throws Exception {
        Path out = export("export");
        ExportManifest m = manifest(out);
        ExportManifest.RaceTally race = m.tally().races().get("parliament");
        ExportManifest.RaceTally inflated = new ExportManifest.RaceTally(race.stations(), race.inBox(),
                race.invalid(), Map.of("a", race.votes().get("a") + 50, "b", race.votes().get("b"), "c",
                race.votes().get("c")));
        writeManifest(out, new ExportManifest(m.format(), m.election(), m.mode(), m.exportedAt(), m.hub(), m.files(),
                m.counts(), m.units(), new ExportManifest.Tally(m.tally().turnout(), Map.of("parliament", inflated))));
        assertProblem(out, "does not match its signature");
        receipts.signFile(new ExportFiles(out).manifest());
        assertProblem(out, "the tally recomputed from the accepted messages");
    }

    @Test
    void a_removed_certificate_or_an_added_file_is_found() throws Exception {
        Path out = export("export");
        Path certificate;
        try (Stream<Path> certificates = Files.list(out.resolve("devices"))) {
            certificate = certificates.findFirst().orElseThrow();
        }
        Files.delete(certificate);
        Files.writeString(out.resolve("note.txt"), "added");
        assertProblem(out, "listed in the manifest, missing from the export");
        assertProblem(out, "is missing from devices/");
        assertProblem(out, "note.txt: in the export but not in the manifest");
    }

    @Test
    void a_receipt_from_another_record_is_found() throws Exception {
        Path out = export("export");
        editRecords(out, records -> {
            ExportRecord a = records.get(0);
            ExportRecord b = records.get(3);
            records.set(0, new ExportRecord(a.n(), a.receivedAt(), a.topic(), a.device(), a.hash(), a.size(),
                    a.status(), a.body(), b.receipt()));
            return records;
        });
        resign(out);
        assertProblem(out, "record 1 (line 1): the receipt answers message");
    }

    @Test
    void the_recipe_with_common_tools_in_VERIFY_md_verifies_the_export_and_finds_a_dropped_last_message()
            throws Exception {
        Path out = export("export");
        Recipe recipe = Recipe.fromVerifyMd();
        Recipe.Run run = recipe.run(out, caSha256());
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("export verified: 8 records, 3 chains"), run.output());
        assertTrue(run.output().contains("hub.pem: OK") && run.output().contains("verify OK"), run.output());
        editRecords(out, records -> {
            records.remove(records.size() - 1);
            return records;
        });
        resign(out);
        run = recipe.run(out, caSha256());
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("PROBLEM: unit dev-2: last message missing"), run.output());
        assertTrue(run.output().contains("PROBLEM: 1 leaves answer no record, 0 dropped"), run.output());
    }

    @Test
    void neither_verifier_reads_a_file_the_manifest_names_outside_the_export_or_through_a_link() throws Exception {
        Path out = export("export");
        Path outside = dir.resolve("outside.pem");
        Path hub = new ExportFiles(out).hubCertificate();
        Files.move(hub, outside);
        Files.createSymbolicLink(hub, outside); // same bytes, read through a link out of the export
        ExportManifest m = manifest(out);
        List<ExportManifest.FileEntry> files = new ArrayList<>(m.files());
        files.add(new ExportManifest.FileEntry("../outside.pem", Files.size(outside), Exporter.sha256(outside)));
        writeManifest(out, new ExportManifest(m.format(), m.election(), m.mode(), m.exportedAt(), m.hub(), files,
                m.counts(), m.units(), m.tally()));
        receipts.signFile(new ExportFiles(out).manifest());
        assertProblem(out, "../outside.pem: listed in the manifest, missing from the export");
        assertProblem(out, "hub.pem: listed in the manifest, missing from the export");
        Recipe.Run run = Recipe.fromVerifyMd().run(out, caSha256());
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("PROBLEM: ../outside.pem: missing, a link, or outside the export"),
                run.output());
        assertTrue(run.output().contains("PROBLEM: hub.pem: missing, a link, or outside the export"), run.output());
    }

    @Test
    void a_constituency_election_is_tallied_per_race_over_its_own_stations_by_the_hub_and_both_verifiers()
            throws Exception {
        TestElection districts = TestElection.withConstituencies(dir.resolve("districts"), "tcp://127.0.0.1:1883");
        Election e = districts.election;
        // a hub that took every race from every station, as before constituencies: what it accepted is in the
        // export, what it should not have counted is not in the tally, and both verifiers say so
        Election everyRaceEverywhere = new Election(e.id(), e.name(), e.mode(), e.allRaces(), e.stations().stream()
                .map(s -> new Station(s.id(), s.name(), s.registeredVoters())).toList(), e.tolerances());
        String location = dir.resolve("districts.db").toString();
        try (MessageStore lax = MessageStore.open(location)) {
            RegistryWatch watch = new RegistryWatch(districts.files.registry(), districts.files.crl(),
                    Pem.readCertificate(districts.files.caCertificate()), districts.id);
            Intake to = new Intake(everyRaceEverywhere, new Verification(new Authenticator(everyRaceEverywhere,
                    watch::current)), lax, districts.receiptLog(lax), TestElection.CLOCK);
            Device d1 = districts.device(1);
            Device d3 = districts.device(3);
            String topic = Topics.report(districts.id, d1.id, Topics.RESULT);
            to.process(topic, d1.chain(d1.sign(d1.result(200, 120, 70))));
            to.process(topic, d1.chain(d1.sign(d1.result("north-council", 500, List.of(200, 190)))));
            to.process(topic, d1.chain(d1.sign(d1.result("south-council", 500, List.of(300, 90)))));
            to.process(Topics.report(districts.id, d3.id, Topics.RESULT), d3.chain(d3.sign(d3.result(
                    "south-council", 450, List.of(100, 290)))));
        }
        Path out;
        try (ExportSnapshot snapshot = ExportSnapshot.open(location)) {
            out = new Exporter(districts.files, snapshot, TestElection.CLOCK).export(dir.resolve("districts-export"))
                    .dir();
        }
        Map<String, ExportManifest.RaceTally> races = manifest(out).tally().races();
        assertEquals(List.of("S-1"), races.get("parliament").stations());
        assertEquals(List.of("S-1"), races.get("north-council").stations());
        ExportManifest.RaceTally parliament = races.get("parliament");
        ExportManifest.Subtotal north = new ExportManifest.Subtotal(1, parliament.inBox(), parliament.invalid(),
                parliament.votes());
        assertEquals(Map.of("north", north), parliament.constituencies(),
                "a race voted in two constituencies is subtotalled in each where it was counted");
        assertEquals(Map.of("Nineveh", north), parliament.regions());
        assertEquals(Map.of(), races.get("north-council").constituencies(), "one constituency's race: its total");
        assertEquals(new ExportManifest.RaceTally(List.of("S-3"), 400, 10, Map.of("x", 100L, "y", 290L)),
                races.get("south-council"), "S-1 votes in the north: its south-council result is not counted");
        ExportVerifier.Result result = ExportVerifier.verify(out, CaPin.of(districts.files.caCertificate()),
                List.of());
        assertEquals(1, result.problems().size(), result.problems().toString());
        assertTrue(result.problems().get(0).contains("RACE_NOT_ON_BALLOT"), result.problems().toString());
        Recipe.Run run = Recipe.fromVerifyMd().run(out, CaPin.of(districts.files.caCertificate()).sha256());
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("PROBLEM: record 3: south-council is not on S-1's ballot\n")
                && run.output().endsWith("\n1 problems\n"),
                run.output());
    }

    // --- helpers: edit an export as an attacker would, then look for the verifier's finding

    private void assertProblem(Path out, String expected) {
        ExportVerifier.Result result = verify(out);
        assertFalse(result.ok(), "the verifier found nothing");
        assertTrue(result.problems().stream().anyMatch(p -> p.contains(expected)), "expected a problem with '"
                + expected + "', found " + result.problems());
    }

    private static List<ExportRecord> records(Path out) throws IOException {
        List<ExportRecord> records = new ArrayList<>();
        for (String line : Files.readAllLines(new ExportFiles(out).messages())) {
            records.add(Json.mapper().readValue(line, ExportRecord.class));
        }
        return records;
    }

    private static void editRecords(Path out, UnaryOperator<List<ExportRecord>> edit) throws IOException {
        StringBuilder text = new StringBuilder();
        for (ExportRecord r : edit.apply(records(out))) {
            text.append(Json.mapper().writeValueAsString(r)).append('\n');
        }
        Files.writeString(new ExportFiles(out).messages(), text, StandardCharsets.UTF_8);
    }

    private static List<ExportRecord> renumber(List<ExportRecord> records) {
        List<ExportRecord> out = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ExportRecord r = records.get(i);
            out.add(new ExportRecord(i + 1, r.receivedAt(), r.topic(), r.device(), r.hash(), r.size(), r.status(),
                    r.body(), r.receipt()));
        }
        return out;
    }

    private static ExportRecord with(ExportRecord r, String body) {
        return new ExportRecord(r.n(), r.receivedAt(), r.topic(), r.device(), r.hash(), r.size(), r.status(), body,
                r.receipt());
    }

    private static ExportManifest manifest(Path out) throws IOException {
        return Json.mapper().readValue(Files.readAllBytes(new ExportFiles(out).manifest()), ExportManifest.class);
    }

    private static void writeManifest(Path out, ExportManifest m) throws IOException {
        Files.write(new ExportFiles(out).manifest(), Json.pretty().writeValueAsBytes(m));
    }

    /** What only the hub's key can do: the manifest made again over the edited files, and signed. */
    private void resign(Path out) throws IOException {
        ExportManifest m = manifest(out);
        List<ExportManifest.FileEntry> files = new ArrayList<>();
        for (ExportManifest.FileEntry e : m.files()) {
            Path p = out.resolve(e.path());
            files.add(new ExportManifest.FileEntry(e.path(), Files.size(p), Exporter.sha256(p)));
        }
        Map<String, Long> counts = new java.util.TreeMap<>();
        records(out).forEach(r -> counts.merge(r.status(), 1L, Long::sum));
        writeManifest(out, new ExportManifest(m.format(), m.election(), m.mode(), m.exportedAt(), m.hub(), files,
                counts, m.units(), m.tally()));
        receipts.signFile(new ExportFiles(out).manifest());
    }
}
