package org.rts.hub.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.intake.Intake;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.store.ExportSnapshot;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.ManualClock;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Inbound;
import org.rts.hub.validation.Verification;
import org.rts.protocol.Topics;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.ProvisioningMain;
import org.rts.provisioning.audit.CaPin;
import org.rts.provisioning.audit.ExportVerifier;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.revocation.Revocation;

/**
 * What an export is trusted for: the CA the commission published (an export made under any other CA, however
 * consistent, fails), and each device certificate at the hub's time of each message it signed (valid, and not
 * withdrawn before), by {@code verify-export} and by the {@code VERIFY.md} recipe.
 */
class ExportTrustTest {
    @TempDir
    Path dir;

    @Test
    void an_export_made_under_another_self_made_ca_fails_without_a_pin_and_with_the_commissions_pin()
            throws Exception {
        TestElection real = new TestElection(dir.resolve("real"), "tcp://127.0.0.1:1883", Mode.LIVE);
        // the same election, stations and devices, under a CA someone made for the purpose: every signature holds
        TestElection forged = new TestElection(dir.resolve("forged"), "tcp://127.0.0.1:1883", Mode.LIVE,
                TestElection.CLOCK, real.id);
        Path out;
        try (MessageStore store = MessageStore.open(dir.resolve("forged.db").toString())) {
            Intake intake = forged.intake(store);
            Device d1 = forged.device(1);
            intake.process(Topics.report(forged.id, d1.id, Topics.RESULT), d1.chain(d1.sign(d1.result(200, 120, 70))));
        }
        try (ExportSnapshot snapshot = ExportSnapshot.open(dir.resolve("forged.db").toString())) {
            out = new Exporter(forged.files, snapshot, TestElection.CLOCK).export(dir.resolve("export")).dir();
        }
        CaPin commission = CaPin.of(real.files.caCertificate());
        CaPin own = CaPin.of(forged.files.caCertificate());
        assertTrue(ExportVerifier.verify(out, own, List.of()).ok(), "the forgery holds together under its own CA");

        ExportVerifier.Result unpinned = ExportVerifier.verify(out, null, List.of());
        assertFalse(unpinned.ok());
        assertTrue(unpinned.problems().get(0).startsWith("no CA pinned, so nothing was verified"),
                unpinned.problems().toString());
        ExportVerifier.Result wrong = ExportVerifier.verify(out, commission, List.of());
        assertFalse(wrong.ok());
        assertTrue(wrong.problems().get(0).contains("is not the one pinned by " + real.files.caCertificate()),
                wrong.problems().toString());

        assertEquals(1, ProvisioningMain.run("verify-export", out.toString()), "no pin, no verification");
        assertEquals(1, ProvisioningMain.run("verify-export", out.toString(), "--ca", real.files.caCertificate()
                .toString()));
        assertEquals(1, ProvisioningMain.run("verify-export", out.toString(), "--ca-sha256", published(commission)));
        assertEquals(0, ProvisioningMain.run("verify-export", out.toString(), "--ca-sha256", published(own)),
                "a fingerprint as openssl prints it is taken");

        Recipe recipe = Recipe.fromVerifyMd();
        Recipe.Run run = recipe.run(out, "");
        assertTrue(run.exit() != 0 && run.output().contains("CA_SHA256: nothing was pinned")
                && !run.output().contains("OK"), "stops before checking anything: " + run.output());
        run = recipe.run(out, published(commission));
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("PROBLEM: ca.pem (SHA-256 " + published(own).replace(":", "")
                + ") is not the CA the commission published"), run.output());
    }

    @Test
    void a_message_the_hub_took_after_its_units_revocation_fails_and_one_before_it_passes() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        // dev-1 reports at 18:30, is revoked at 19:30, and reports again at 20:30 to a hub that has not yet loaded
        // the new registry
        Path out = exportAround(election, Duration.ofHours(1), "export");
        ExportVerifier.Result result = verify(election, out);
        assertEquals(1, result.problems().size(), result.problems().toString());
        assertTrue(result.problems().get(0).startsWith("record 2 (line 2): received at "
                + TestElection.NOW.plus(Duration.ofHours(2)) + ", after dev-1's certificate was REVOKED at "
                + TestElection.NOW.plus(Duration.ofHours(1))), result.problems().toString());
        Recipe.Run run = Recipe.fromVerifyMd().run(out, caSha256(election));
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("PROBLEM: record 2: received at 2026-11-22T20:30:00Z, after dev-1's"
                + " certificate was REVOKED at 2026-11-22T19:30:00Z\n"), run.output());
        assertTrue(run.output().endsWith("\n1 problems\n"), run.output());

        // revoked at 21:30, after both: the export holds
        TestElection later = new TestElection(dir.resolve("later"), "tcp://127.0.0.1:1883", Mode.LIVE);
        Path fine = exportAround(later, Duration.ofHours(3), "fine");
        ExportVerifier.Result passed = verify(later, fine);
        assertTrue(passed.ok(), passed.problems().toString());
        assertEquals(0, Recipe.fromVerifyMd().run(fine, caSha256(later)).exit());
    }

    /**
     * dev-1 reports at NOW and at NOW + 2 h to a hub that keeps the registry of NOW; provisioning revokes it at
     * NOW + {@code revokedAfter}.
     */
    private Path exportAround(TestElection election, Duration revokedAfter, String name) throws Exception {
        ManualClock clock = new ManualClock(TestElection.NOW);
        String db = dir.resolve(name + ".db").toString();
        try (MessageStore store = MessageStore.open(db)) {
            Intake intake = intake(election, store, clock);
            Device d1 = election.device(1);
            String topic = Topics.report(election.id, d1.id, Topics.TURNOUT);
            intake.process(topic, d1.chain(d1.sign(d1.turnout(100))));
            new Revocation(ElectionAuthority.load(election.files, Clock.fixed(TestElection.NOW.plus(revokedAfter),
                    ZoneOffset.UTC))).revoke("dev-1");
            clock.set(TestElection.NOW.plus(Duration.ofHours(2)));
            intake.process(topic, d1.chain(d1.sign(d1.turnout(200))));
        }
        try (ExportSnapshot snapshot = ExportSnapshot.open(db)) {
            return new Exporter(election.files, snapshot, TestElection.CLOCK).export(dir.resolve(name)).dir();
        }
    }

    @Test
    void a_message_decided_after_its_certificate_expired_fails_and_one_before_passes() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        Instant notAfter = Pem.readCertificate(election.files.bundle("dev-1").deviceCertificate()).getNotAfter()
                .toInstant();
        ManualClock clock = new ManualClock(TestElection.NOW);
        String db = dir.resolve("hub.db").toString();
        try (MessageStore store = MessageStore.open(db)) {
            Intake intake = intake(election, store, clock);
            Device d2 = election.device(2);
            intake.process(Topics.report(election.id, d2.id, Topics.TURNOUT), d2.chain(d2.sign(d2.turnout(50))));
            // authenticated ahead a minute before the certificate ends, decided (and answered) an hour after
            Device d1 = election.device(1);
            Inbound in = Inbound.bounded(Topics.report(election.id, d1.id, Topics.TURNOUT),
                    d1.chain(d1.sign(d1.turnout(100))), Authenticator.MAX_BYTES);
            Verification.Verified verified = intake.verify(in, notAfter.minus(Duration.ofMinutes(1)));
            clock.set(notAfter.plus(Duration.ofHours(1)));
            assertEquals(1, intake.decideAndStore(List.of(verified)).size());
        }
        Path out;
        try (ExportSnapshot snapshot = ExportSnapshot.open(db)) {
            out = new Exporter(election.files, snapshot, TestElection.CLOCK).export(dir.resolve("export")).dir();
        }
        ExportVerifier.Result result = verify(election, out);
        assertEquals(1, result.problems().size(), result.problems().toString());
        assertTrue(result.problems().get(0).startsWith("record 2 (line 2): received at "
                + notAfter.plus(Duration.ofHours(1)) + ", outside the validity of dev-1's certificate"),
                result.problems().toString());
        Recipe.Run run = Recipe.fromVerifyMd().run(out, caSha256(election));
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains(".pem: not valid at " + notAfter.plus(Duration.ofHours(1))
                .toString().replace("Z", ".000Z") + ", the hub time of a message it signed"), run.output());
        assertTrue(run.output().contains("certificate has expired") && run.output().endsWith("\n1 problems\n"),
                run.output());
    }

    private static Intake intake(TestElection election, MessageStore store, Clock clock) {
        RegistryWatch registry = new RegistryWatch(election.files.registry(), election.files.crl(),
                Pem.readCertificate(election.files.caCertificate()), election.id);
        return new Intake(election.election, new Verification(new Authenticator(election.election,
                registry::current)), store, election.receiptLog(store), clock);
    }

    private static ExportVerifier.Result verify(TestElection election, Path out) {
        return ExportVerifier.verify(out, CaPin.of(election.files.caCertificate()), List.of());
    }

    private static String caSha256(TestElection election) {
        return CaPin.of(election.files.caCertificate()).sha256();
    }

    /** A fingerprint as {@code openssl x509 -fingerprint -sha256} prints it: upper case, colon between bytes. */
    private static String published(CaPin pin) {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(pin.sha256()))
                .toUpperCase(Locale.ROOT);
    }
}
