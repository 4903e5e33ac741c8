package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    private final List<String> sessions = new ArrayList<>();
    private Hub hub;

    @AfterEach
    void tearDown() throws Exception {
        for (String s : sessions) {
            tmux("kill-session", "-t", s);
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
        JsonFiles.write(bundle.config(), new DeviceConfig(c.device(), c.election(), c.station(), c.brokerUrl(),
                "simulated", "en"));
        ElectionAuthority.load(election.files, Clock.systemUTC()).sign(bundle.config());
        Path unit = Units.place(election, dir.resolve("units"), 1);
        String hubId = "it-hub-" + UUID.randomUUID();
        hub = startHub(election, hubId);

        // each step starts from the idle unit the previous power cut left
        String s = start(unit);
        await(s, "Station S-1");
        // ENTRY: digits typed, not confirmed
        keys(s, "n1");
        await(s, "Voters so far");
        kill(unit);
        s = idleAfterRestart(unit, "Nothing waiting to be sent");
        // REVIEW
        keys(s, "n2n");
        await(s, "Check against the paper form");
        kill(unit);
        s = idleAfterRestart(unit, "Nothing waiting to be sent");
        // CONFIRM: transmit pressed, confirm not yet
        keys(s, "n3nt");
        await(s, "Send this report?");
        kill(unit);
        assertEquals(0, pending(unit), "nothing unconfirmed was ever signed");
        // QUEUED: confirmed while the hub is down, power lost before any answer
        hub.close();
        hub = null;
        s = idleAfterRestart(unit, "Nothing waiting to be sent");
        keys(s, "n4ntc");
        await(s, "Saved on the unit");
        kill(unit);
        assertEquals(1, pending(unit), "the confirmed report survived the power cut");
        s = idleAfterRestart(unit, "1 waiting to be sent");
        hub = startHub(election, hubId);
        await(s, "Nothing waiting to be sent");
        // ANSWERED: the receipt on screen when the power goes
        keys(s, "n5ntc");
        await(s, "ACCEPTED by the hub");
        kill(unit);
        idleAfterRestart(unit, "Nothing waiting to be sent");

        assertEquals(5, hub.store().turnout(election.id).get("S-1"), "the last confirmed turnout");
        assertEquals(2, hub.store().head("dev-1").seq(), "two reports confirmed, each chained once");
        assertEquals(2, hub.store().inboundCounts().get("ACCEPTED"), hub.store().inboundCounts().toString());
    }

    private String idleAfterRestart(Path unit, String expected) throws Exception {
        String s = start(unit);
        await(s, "Station S-1");
        await(s, expected);
        return s;
    }

    private static int pending(Path unit) {
        try (Outbox outbox = Outbox.open(unit.resolve("outbox.db"))) {
            return outbox.pending().size();
        }
    }

    private String start(Path unit) throws Exception {
        String session = "rts-power-" + UUID.randomUUID().toString().substring(0, 8);
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = Path.of(System.getProperty("rts.agent.jar", "../device-agent/target/device-agent.jar"))
                .toAbsolutePath().toString();
        tmux("-u", "new-session", "-d", "-s", session, "-x", "100", "-y", "40", String.join(" ", java,
                "-Dstdout.encoding=UTF-8", "--enable-native-access=ALL-UNNAMED", "-jar", jar, "run", "--bundle",
                unit.toString(), "--broker", Mosquitto.SHARED_URL, "--resend-after", "2", "--max-backoff-ms",
                "500", "2>>", dir.resolve("unit.log").toString()));
        sessions.add(session);
        return session;
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

    private static String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private static void keys(String session, String keys) throws Exception {
        for (char c : keys.toCharArray()) {
            tmux("send-keys", "-t", session, "-l", String.valueOf(c));
            Thread.sleep(60);
        }
    }

    private void await(String session, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String shown = tmux("capture-pane", "-p", "-t", session);
        while (!shown.contains(text)) {
            if (System.nanoTime() > deadline) {
                Path log = dir.resolve("unit.log");
                throw new AssertionError("'" + text + "' never shown; the screen:\n" + shown + "\nlog:\n"
                        + (Files.exists(log) ? Files.readString(log) : ""));
            }
            Thread.sleep(100);
            shown = tmux("capture-pane", "-p", "-t", session);
        }
    }
}
