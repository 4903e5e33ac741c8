package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.demo.load.Fleet;
import org.rts.demo.load.HubProcess;
import org.rts.demo.load.Mosquitto;
import org.rts.demo.load.Traffic;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.TestDatabase;

/**
 * Two hubs share the units' messages through an MQTT v5 shared subscription and one PostgreSQL store; one is
 * killed (SIGKILL) in the middle of the burst and started again. Every unit's messages are accepted exactly once
 * and every chain is whole.
 */
class SharedHubsIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(600)
    void two_hubs_one_killed_mid_burst_accept_every_message_exactly_once() throws Exception {
        int units = 100;
        int perUnit = 30;
        Fleet fleet = Fleet.create(dir.resolve("election"), units);
        List<Fleet.Message> burst = fleet.sign(perUnit);
        Path election = fleet.files().dir();
        try (TestDatabase database = new TestDatabase();
             Mosquitto broker = Mosquitto.forElection(dir.resolve("broker"), units, perUnit)) {
            broker.start();
            String[] options = {"--share", "it", "--rate-burst", "1000000", "--rate", "1000000"};
            HubProcess first = new HubProcess(election, broker.url(), database.url(), "hub-a", dir.resolve("a.log"),
                    options).start();
            // the second starts once the first has made the tables (two hubs creating them at once can collide)
            first.awaitConnected(election.resolve("hub-a.health.json"));
            HubProcess second = new HubProcess(election, broker.url(), database.url(), "hub-b",
                    dir.resolve("b.log"), options).start();
            try (Traffic traffic = new Traffic(broker.url(), fleet.election().id(), 4, 4, Duration.ofSeconds(30))) {
                second.awaitConnected(election.resolve("hub-b.health.json"));
                traffic.send(burst);
                assertTrue(traffic.awaitAnswers(burst.size() / 3, Duration.ofMinutes(3)), "a third answered");
                first.kill();
                Thread.sleep(2_000);
                first = new HubProcess(election, broker.url(), database.url(), "hub-a", dir.resolve("a.log"),
                        options).start();
                assertTrue(traffic.awaitAnswers(burst.size(), Duration.ofMinutes(6)),
                        () -> traffic.outcomes().size() + " of " + burst.size() + " answered; see a.log and b.log in "
                                + dir);
                assertEquals(burst.size(), traffic.outcomes().stream()
                        .filter(o -> o.receipt().accepted() && o.receipt().chained()).count(),
                        () -> "all accepted; the others were answered " + traffic.outcomes().stream()
                                .filter(o -> !o.receipt().accepted()).map(o -> o.message().unit().id() + " seq "
                                        + o.message().seq() + ": " + o.receipt().reasons()).toList()
                                + "; see a.log and b.log in " + dir);
            } finally {
                first.close();
                second.close();
            }
            try (MessageStore db = MessageStore.open(database.url())) {
                Map<String, Integer> counts = db.inboundCounts();
                assertEquals(burst.size(), counts.get("ACCEPTED"), "each message chained once: " + counts);
                for (Fleet.Unit u : fleet.units()) {
                    assertEquals(perUnit, db.head(u.id()).seq(), u.id() + "'s chain is whole");
                }
            }
        }
    }
}
