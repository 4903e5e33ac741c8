package org.rts.hub.validation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalInt;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.RestartReport;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.reconciliation.Findings;
import org.rts.protocol.reconciliation.ReportChecks;

/**
 * The hub's decoding and validation path under arbitrary input: whatever arrives, it answers with a verdict and
 * never throws; what it accepts is exactly what was signed, in its one canonical form. In CI these run on the
 * regression inputs in {@code AuthenticatorFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes (see the README).
 */
class AuthenticatorFuzzTest {
    /** One election for every execution: keys and certificates are made once. */
    private static final class Fixture {
        static final TestElection ELECTION = election();
        static final TestElection.Device DEVICE = ELECTION.device(1);
        static final Authenticator AUTHENTICATOR = new Authenticator(ELECTION.election, new RegistryWatch(
                ELECTION.files.registry(), ELECTION.files.crl(),
                Pem.readCertificate(ELECTION.files.caCertificate()), ELECTION.id)::current);

        private static TestElection election() {
            try {
                return new TestElection(Files.createTempDirectory("rts-fuzz").resolve("election"),
                        "tcp://127.0.0.1:1883", Mode.LIVE, TestElection.CLOCK, "fuzz-2026");
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final Instant NOW = TestElection.NOW;
    private static final String[] KINDS = {Topics.TURNOUT, Topics.RESULT, Topics.RESTART, "other"};

    private static Authenticator.Outcome authenticate(String kind, byte[] message) {
        return Fixture.AUTHENTICATOR.authenticate(new Topics.Address(Fixture.ELECTION.id, "dev-1", kind), message,
                message.length, Jws.hash(message), NOW);
    }

    @FuzzTest(maxDuration = "")
    void any_bytes_on_a_device_topic_get_a_verdict(FuzzedDataProvider data) {
        String kind = KINDS[data.consumeInt(0, KINDS.length - 1)];
        byte[] message = data.consumeRemainingAsBytes();
        Authenticator.Outcome outcome = authenticate(kind, message);
        assertNotNull(outcome);
        if (outcome instanceof Authenticator.Ok ok) {
            // only a message signed with the unit's key gets through
            assertArrayEquals(message, Fixture.DEVICE.sign(ok.message().report()));
        }
    }

    @FuzzTest(maxDuration = "")
    void any_payload_signed_by_an_enrolled_unit_is_decided_and_only_its_canonical_form_passes(
            FuzzedDataProvider data) {
        String kind = KINDS[data.consumeInt(0, KINDS.length - 2)];
        int previousTurnout = data.consumeInt(0, 1_000_000);
        byte[] payload = data.consumeRemainingAsBytes();
        Authenticator.Outcome outcome = authenticate(kind, Fixture.DEVICE.signRaw(payload));
        assertNotNull(outcome);
        if (outcome instanceof Authenticator.Ok ok) {
            Report report = ok.message().report();
            assertArrayEquals(payload, MessageCodec.encode(report), "accepted only in its canonical form");
            assertTrue(report.device().equals("dev-1") && report.kind().equals(kind));
            Findings findings = switch (report) {
                case ResultReport r -> ReportChecks.check(Fixture.ELECTION.election, r);
                case TurnoutReport t -> ReportChecks.check(Fixture.ELECTION.election, t,
                        OptionalInt.of(previousTurnout));
                case RestartReport s -> ReportChecks.check(Fixture.ELECTION.election, s);
            };
            assertNotNull(ReportChecks.clock(Fixture.ELECTION.election, report.reportedAt(), NOW).and(findings));
        }
    }
}
