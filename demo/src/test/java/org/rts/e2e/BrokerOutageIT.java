package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.AgentMain;
import org.rts.agent.outbox.Outbox;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.message.Mode;

/** The broker is down when the officer presses transmit, and comes up later: the result still arrives. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BrokerOutageIT {
    @TempDir
    Path dir;

    @Test
    void a_result_transmitted_while_the_broker_is_down_is_delivered_once_it_is_up() throws Exception {
        try (Mosquitto broker = Mosquitto.plain(dir.resolve("broker"))) {
            TestElection election = new TestElection(dir.resolve("election"), broker.url(), Mode.LIVE,
                    Clock.systemUTC());
            Path bundle = election.files.bundle("dev-2").dir();
            Path csv = dir.resolve("S-2.csv");
            Files.writeString(csv, String.join("\n", "race,parliament", "registered,480", "received,500",
                    "unused,98", "spoiled,2", "inBox,400", "invalid,10", "a,200", "b,120", "c,70"));
            Units.ready(election, 3);
            try (Hub hub = Hub.start(HubConfig.of(election.files, broker.url(), dir.resolve("hub.db"), null)
                    .withSessionExpiry(Duration.ofMinutes(2)), Clock.systemUTC())) {
                CompletableFuture<Integer> officer = CompletableFuture.supplyAsync(() -> AgentMain.run("result",
                        "--bundle", bundle.toString(), "--file", csv.toString(), "--wait", "150",
                        "--max-backoff-ms", "500", "--resend-after", "2"));
                try (Outbox outbox = Outbox.open(bundle.resolve("outbox.db"))) {
                    Wait.until("the result waits in the outbox", Duration.ofSeconds(60),
                            () -> outbox.pending().size() == 1);
                }
                broker.start();
                assertEquals(AgentMain.ACCEPTED, officer.get(150, TimeUnit.SECONDS));
                assertEquals(1, hub.store().results(election.id).size());
            }
        }
    }
}
