package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.demo.load.Fleet;
import org.rts.demo.load.HubProcess;
import org.rts.demo.load.Mosquitto;
import org.rts.demo.load.PatroniCluster;
import org.rts.demo.load.Traffic;
import org.rts.hub.store.MessageStore;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;

/**
 * The hubs' store on PostgreSQL with a synchronous standby under Patroni (three etcd members, two PostgreSQL
 * members on loopback): the primary's machine dies (SIGKILL of Patroni and PostgreSQL) in the middle of a 40,000
 * message burst into two hubs. The standby is promoted, the hubs find it through their multi-host URL, every message
 * is accepted exactly once, every receipt a unit holds refers to a record present afterwards, and the old primary,
 * started again, comes back as the synchronous standby by itself.
 */
class StoreFailoverIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(900)
    void the_primary_killed_mid_burst_the_hubs_follow_the_standby_and_lose_nothing() throws Exception {
        int units = 200;
        int perUnit = 100;
        Fleet fleet = Fleet.create(dir.resolve("election"), units);
        List<Fleet.Message> burst = fleet.sign(perUnit);
        Path election = fleet.files().dir();
        // PostgreSQL runs as its own account, which must be able to enter the test's folder
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions
                .fromString("rwx--x--x"));
        try (PatroniCluster database = PatroniCluster.onLoopback(dir.resolve("pg")).start();
             Mosquitto broker = Mosquitto.forElection(dir.resolve("broker"), units, perUnit)) {
            broker.start();
            String store = database.jdbcUrl();
            String[] options = {"--share", "it", "--rate-burst", "1000000", "--rate", "1000000"};
            HubProcess first = new HubProcess(election, broker.url(), store, "hub-a", dir.resolve("a.log"), options)
                    .start();
            first.awaitConnected(election.resolve("hub-a.health.json"));
            HubProcess second = new HubProcess(election, broker.url(), store, "hub-b", dir.resolve("b.log"), options)
                    .start();
            int killed;
            try (Traffic traffic = new Traffic(broker.url(), fleet.election().id(), 4, 4, Duration.ofSeconds(30))) {
                second.awaitConnected(election.resolve("hub-b.health.json"));
                traffic.send(burst);
                assertTrue(traffic.awaitAnswers(burst.size() / 3, Duration.ofMinutes(5)), "a third answered");
                killed = database.primary();
                long killedAt = System.nanoTime();
                database.kill(killed);
                assertTrue(traffic.awaitAnswers(burst.size(), Duration.ofMinutes(8)),
                        () -> traffic.outcomes().size() + " of " + burst.size() + " answered; see a.log and b.log in "
                                + dir);
                List<Traffic.Outcome> accepted = traffic.outcomes().stream()
                        .filter(o -> o.receipt().accepted() && o.receipt().chained()).toList();
                assertEquals(burst.size(), accepted.size(), "all accepted");
                var hubKey = Certificates.publicKey(Pem.readCertificate(fleet.files().hubCertificate()));
                assertEquals(burst.size(), Traffic.genuine(accepted, hubKey, fleet.election().id()),
                        "every receipt genuine");
                long[] after = traffic.outcomes().stream().mapToLong(Traffic.Outcome::answeredNanos)
                        .filter(t -> t > killedAt).sorted().toArray();
                long silence = 0;
                for (int i = 1; i < after.length; i++) {
                    silence = Math.max(silence, after[i] - after[i - 1]);
                }
                System.out.printf("primary %s killed: the longest time without a receipt after it %.1f s; %d messages"
                        + " answered SEQUENCE_GAP and sent again%n", database.name(killed), silence / 1e9,
                        traffic.gaps());
                try (MessageStore db = MessageStore.open(store)) {
                    long missing = accepted.stream()
                            .filter(o -> db.chainedReceipt(o.message().hash()).isEmpty()).count();
                    assertEquals(0, missing, "every receipt sent refers to a record the new primary holds");
                }
            } finally {
                first.close();
                second.close();
            }
            try (MessageStore db = MessageStore.open(store)) {
                Map<String, Integer> counts = db.inboundCounts();
                assertEquals(burst.size(), counts.get("ACCEPTED"), "each message chained once: " + counts);
                for (Fleet.Unit u : fleet.units()) {
                    assertEquals(perUnit, db.head(u.id()).seq(), u.id() + "'s chain is whole");
                }
            }
            database.start(killed);
            try {
                assertEquals(killed, database.awaitSyncStandby(Duration.ofMinutes(3)),
                        "the old primary is back as the synchronous standby: " + database.members());
            } catch (RuntimeException | AssertionError e) {
                Path kept = Files.createDirectories(Path.of("target", "store-failover-logs"));
                for (int i = 0; i < 2; i++) {
                    Files.copy(database.log(i), kept.resolve(database.name(i) + ".log"),
                            StandardCopyOption.REPLACE_EXISTING);
                }
                throw e;
            }
        }
    }
}
