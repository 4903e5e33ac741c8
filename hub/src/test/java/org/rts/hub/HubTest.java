package org.rts.hub;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.message.Mode;

class HubTest {
    @TempDir
    Path dir;

    private HubConfig config(TestElection election) {
        return HubConfig.of(election.files, "tcp://127.0.0.1:1", dir.resolve("hub.db"), null)
                .withSessionExpiry(Duration.ofMinutes(1));
    }

    @Test
    void refuses_to_start_on_a_tampered_ballot_definition() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1", Mode.LIVE);
        Path ballot = election.files.ballot();
        Files.writeString(ballot, Files.readString(ballot).replace("\"registeredVoters\" : 500",
                "\"registeredVoters\" : 5000"));
        ProtocolException e = assertThrows(ProtocolException.class, () -> Hub.start(config(election),
                TestElection.CLOCK));
        assertTrue(e.getMessage().contains("does not match its signature"), e.getMessage());
    }

    @Test
    void refuses_to_start_without_the_ballot_signature() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1", Mode.LIVE);
        Files.delete(SignedFile.signatureOf(election.files.ballot()));
        ProtocolException e = assertThrows(ProtocolException.class, () -> Hub.start(config(election),
                TestElection.CLOCK));
        assertTrue(e.getMessage().contains("election.json.sig"), e.getMessage());
    }

    @Test
    void a_unit_past_the_storage_bound_opens_the_storage_bound_alert() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1", Mode.LIVE);
        try (Hub hub = Hub.start(config(election), TestElection.CLOCK)) {
            org.rts.hub.intake.Intake intake = election.intake(hub.store());
            TestElection.Device dev1 = election.device(1);
            for (int i = 0; i <= org.rts.hub.store.MessageStore.REJECTED_BODIES; i++) {
                // more ballots in the box than registered voters: rejected, chained
                intake.process(org.rts.protocol.Topics.report(election.id, "dev-1", "result"), dev1.chain(dev1.sign(
                        dev1.result(480, 600, 98, 2, 500, 10, java.util.List.of(200, 200, 90)))));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (hub.openAlerts().stream().noneMatch(a -> a.rule() == org.rts.hub.units.Alerts.Rule.STORAGE_BOUND)) {
                assertTrue(System.nanoTime() < deadline, "no STORAGE_BOUND alert: " + hub.openAlerts());
                Thread.sleep(100);
            }
            var alert = hub.openAlerts().stream().filter(a -> a.rule() == org.rts.hub.units.Alerts.Rule.STORAGE_BOUND)
                    .toList();
            assertTrue(alert.size() == 1 && alert.get(0).subject().equals("dev-1")
                    && "S-1".equals(alert.get(0).station()) && alert.get(0).detail().contains("64 kept whole"),
                    alert.toString());
        }
    }

    @Test
    void a_replicated_store_without_a_synchronous_standby_opens_the_store_unreplicated_alert() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1", Mode.LIVE);
        try (org.rts.hub.testing.TestDatabase database = new org.rts.hub.testing.TestDatabase()) {
            database.connect().close(); // makes the schema
            // the same server named twice: a replicated store's URL, but nobody is a synchronous standby
            String twice = database.url().replace("127.0.0.1:5432", "127.0.0.1:5432,127.0.0.1:5432");
            HubConfig config = HubConfig.of(election.files, "tcp://127.0.0.1:1", twice, "hub-t")
                    .withSessionExpiry(Duration.ofMinutes(1));
            try (Hub hub = Hub.start(config, TestElection.CLOCK)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (hub.openAlerts().stream().noneMatch(a -> a.rule()
                        == org.rts.hub.units.Alerts.Rule.STORE_UNREPLICATED)) {
                    assertTrue(System.nanoTime() < deadline, "no STORE_UNREPLICATED alert: " + hub.openAlerts());
                    Thread.sleep(100);
                }
                var alert = hub.openAlerts().stream().filter(a -> a.rule()
                        == org.rts.hub.units.Alerts.Rule.STORE_UNREPLICATED).findFirst().orElseThrow();
                assertTrue(alert.subject().contains("(primary, no synchronous standby)")
                        && alert.detail().contains("rests on this one machine's disk"), alert.toString());
            }
            try (org.rts.hub.store.ResultStore alone = org.rts.hub.store.ResultStore.open(database.url())) {
                var r = alone.replication().orElseThrow();
                assertTrue(r.primary() && !r.replicated() && !r.unprotected(),
                        "one server named: a plain PostgreSQL store raises nothing: " + r);
            }
        }
    }
}
