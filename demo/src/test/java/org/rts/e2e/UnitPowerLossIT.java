package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.outbox.Outbox;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.files.DeviceConfig;
import org.rts.protocol.message.Mode;
import org.rts.provisioning.election.ElectionAuthority;

/**
 * Power lost (SIGKILL) in each state of the officer's workflow: on restart the unit is idle, what was confirmed is
 * sent exactly once, what was not confirmed was never signed.
 */
class UnitPowerLossIT {
    @TempDir
    Path dir;

    private final List<Terminal> terminals = new ArrayList<>();
    private Hub hub;

    @AfterEach
    void tearDown() throws Exception {
        for (Terminal t : terminals) {
            t.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    private Hub startHub(TestElection election, String clientId) throws InterruptedException {
        Hub h = Hub.start(HubConfig.of(election.files, Mosquitto.SHARED_URL, dir.resolve("hub.db"), clientId)
                .withSessionExpiry(Duration.ofMinutes(3)), Clock.systemUTC());
        Wait.until("the hub is subscribed", Duration.ofSeconds(30), h::isConnected);
        return h;
    }

    @Test
    @Timeout(300)
    void power_lost_in_every_state_leaves_the_unit_idle_with_nothing_lost_or_sent_twice() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE,
                Clock.systemUTC());
        var bundle = election.files.bundle("dev-1");
        DeviceConfig c = JsonFiles.read(bundle.config(), DeviceConfig.class, "device configuration");
        ElectionAuthority.load(election.files, Clock.systemUTC()).write(bundle.config(), new DeviceConfig(c.device(),
                c.election(), c.station(), c.brokerUrl(), "simulated", "en"), true);
        Path unit = Units.place(election, dir.resolve("units"), 1);
        String hubId = "it-hub-" + UUID.randomUUID();
        hub = startHub(election, hubId);

        // each step starts from the idle unit the previous power cut left
        Terminal s = start(unit);
        s.await("Station S-1");
        // ENTRY: digits typed, not confirmed
        s.type("n1");
        s.await("Voters so far");
        kill(unit);
        s = idleAfterRestart(unit, "Nothing waiting to be sent");
        // REVIEW
        s.type("n2n");
        s.await("Check against the paper form");
        kill(unit);
        s = idleAfterRestart(unit, "Nothing waiting to be sent");
        // CONFIRM: transmit pressed, confirm not yet
        s.type("n3nt");
        s.await("Send this report?");
        kill(unit);
        assertEquals(0, pending(unit), "nothing unconfirmed was ever signed");
        // QUEUED: confirmed while the hub is down, power lost before any answer
        hub.close();
        hub = null;
        s = idleAfterRestart(unit, "Nothing waiting to be sent");
        s.type("n4ntc");
        s.await("Saved on the unit");
        kill(unit);
        assertEquals(1, pending(unit), "the confirmed report survived the power cut");
        s = idleAfterRestart(unit, "1 waiting to be sent");
        hub = startHub(election, hubId);
        s.await("Nothing waiting to be sent");
        // ANSWERED: the receipt on screen when the power goes
        s.type("n5ntc");
        s.await("ACCEPTED by the hub");
        kill(unit);
        idleAfterRestart(unit, "Nothing waiting to be sent");

        assertEquals(5, hub.store().turnout(election.id).get("S-1"), "the last confirmed turnout");
        assertEquals(2, hub.store().head("dev-1").seq(), "two reports confirmed, each chained once");
        assertEquals(2, hub.store().inboundCounts().get("ACCEPTED"), hub.store().inboundCounts().toString());
    }

    private Terminal idleAfterRestart(Path unit, String expected) throws Exception {
        Terminal t = start(unit);
        t.await("Station S-1");
        t.await(expected);
        return t;
    }

    private static int pending(Path unit) {
        try (Outbox outbox = Outbox.open(unit.resolve("outbox.db"))) {
            return outbox.pending().size();
        }
    }

    private Terminal start(Path unit) throws Exception {
        Terminal t = Terminal.agent(unit, Mosquitto.SHARED_URL, dir.resolve("unit.log"), "--resend-after", "2",
                "--max-backoff-ms", "500");
        terminals.add(t);
        return t;
    }

    /** Power lost: the agent killed at once (SIGKILL), nothing saved on the way out. */
    private static void kill(Path unit) throws Exception {
        Process p = new ProcessBuilder("pkill", "-9", "-f", "run --bundle " + unit).start();
        p.waitFor(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Process check = new ProcessBuilder("pgrep", "-f", "run --bundle " + unit).start();
            if (check.waitFor(10, TimeUnit.SECONDS) && check.exitValue() != 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the unit did not die");
    }
}
