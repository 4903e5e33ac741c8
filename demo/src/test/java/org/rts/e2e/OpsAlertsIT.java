package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.testing.TestElection;
import org.rts.hub.units.Alerts;
import org.rts.protocol.message.Mode;

/**
 * The hub and three running units on the real Mosquitto: one unit's battery runs down, one is cut off (its will
 * fires), one goes silent; the alerts open after their durations and close when the units come back. The
 * durations are shortened as a drill would (the rules are those of production).
 */
class OpsAlertsIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void a_drained_battery_a_cut_unit_and_a_silent_one_open_their_alerts_which_close_when_they_recover()
            throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE,
                Clock.systemUTC());
        Hub hub = Hub.start(HubConfig.of(election.files, Mosquitto.SHARED_URL, dir.resolve("hub.db"),
                "it-hub-" + UUID.randomUUID()).withSessionExpiry(Duration.ofMinutes(3))
                .withAlerts(Alerts.Settings.DEFAULT.with(Map.of("batteryFor", 2L, "downFor", 3L, "silentAfter", 15L))),
                Clock.systemUTC());
        Path[] units = new Path[4];
        for (int i = 1; i <= 3; i++) {
            units[i] = Units.place(election, dir.resolve("units"), i);
        }
        Process draining = null;
        Process cut = null;
        Process silent = null;
        try {
            Wait.until("the hub is subscribed", Duration.ofSeconds(30), hub::isConnected);
            draining = Cli.agentProcess(List.of("-Drts.simulated.mains=false", "-Drts.simulated.percent=23",
                    "-Drts.simulated.drain=7200"), dir.resolve("dev-1.log"), run(units[1]));
            cut = Cli.agentProcess(dir.resolve("dev-2.log"), run(units[2]));
            silent = Cli.agentProcess(dir.resolve("dev-3.log"), run(units[3]));
            Wait.until("three units online", Duration.ofSeconds(120), () -> hub.units().stream()
                    .filter(u -> u.state() == org.rts.hub.units.UnitRegistry.State.ONLINE).count() == 3);

            cut.destroyForcibly(); // its will fires
            cut.waitFor(10, TimeUnit.SECONDS);
            new ProcessBuilder("kill", "-STOP", Long.toString(silent.pid())).start().waitFor(); // nothing more from it

            Wait.until("battery low on dev-1", Duration.ofSeconds(60), () -> open(hub, Alerts.Rule.BATTERY_LOW, "dev-1"));
            Wait.until("dev-2 down (its will)", Duration.ofSeconds(60), () -> open(hub, Alerts.Rule.UNIT_DOWN, "dev-2"));
            Wait.until("dev-3 down (silent)", Duration.ofSeconds(60), () -> open(hub, Alerts.Rule.UNIT_DOWN, "dev-3"));
            assertTrue(hub.openAlerts().stream().filter(a -> a.subject().equals("dev-2")).findFirst().orElseThrow()
                    .detail().startsWith("lost"), hub.openAlerts().toString());
            assertTrue(hub.openAlerts().stream().filter(a -> a.subject().equals("dev-3")).findFirst().orElseThrow()
                    .detail().startsWith("silent"), hub.openAlerts().toString());

            new ProcessBuilder("kill", "-CONT", Long.toString(silent.pid())).start().waitFor();
            cut = Cli.agentProcess(dir.resolve("dev-2.log"), run(units[2]));
            Wait.until("dev-2 and dev-3 back: their alerts closed", Duration.ofSeconds(90),
                    () -> !open(hub, Alerts.Rule.UNIT_DOWN, "dev-2") && !open(hub, Alerts.Rule.UNIT_DOWN, "dev-3"));
            assertTrue(open(hub, Alerts.Rule.BATTERY_LOW, "dev-1"), "still low: still open");
            List<Alerts.Alert> history = hub.alertHistory();
            assertTrue(history.stream().filter(a -> a.rule() == Alerts.Rule.UNIT_DOWN && !a.open()).count() >= 2,
                    history.toString());
        } finally {
            for (Process p : new Process[] {draining, cut, silent}) {
                if (p != null) {
                    new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
                    p.destroyForcibly();
                }
            }
            hub.close();
        }
    }

    private static String[] run(Path unit) {
        return new String[] {"run", "--bundle", unit.toString(), "--broker", Mosquitto.SHARED_URL,
            "--telemetry-seconds", "5"};
    }

    private static boolean open(Hub hub, Alerts.Rule rule, String subject) {
        return hub.openAlerts().stream().anyMatch(a -> a.rule() == rule && a.subject().equals(subject));
    }
}
