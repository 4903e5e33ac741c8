package org.rts.agent.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.TestClock;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Telemetry;

/** When the unit tells its health: on an interval, at once on what matters, never in a flood. */
class TelemetryPublisherTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-11-26T08:00:00Z"));
    private final List<Telemetry> sent = new ArrayList<>();
    private Double battery = 80.0;
    private boolean mains = true;
    private int pending;
    private boolean online = true;

    private TelemetryPublisher publisher() {
        return new TelemetryPublisher((session, n, at) -> new Telemetry(1, "el", Mode.LIVE, "dev-1", "S-1", session, n,
                at, battery, 4.0, mains, false, null, null, null, null, null, null, null, pending, null, "0.1", "cfg",
                false), t -> {
                    if (online) {
                        sent.add(t);
                    }
                    return online;
                }, clock, Duration.ofSeconds(60));
    }

    @Test
    void it_reports_at_once_on_connect_then_every_interval_numbered_within_the_session() {
        TelemetryPublisher p = publisher();
        p.tick(0);
        assertEquals(0, sent.size(), "not connected yet");
        p.tick(100);
        assertEquals(1, sent.size());
        for (int s = 0; s < 59; s++) {
            clock.advance(Duration.ofSeconds(1));
            p.tick(100);
        }
        assertEquals(1, sent.size());
        clock.advance(Duration.ofSeconds(1));
        p.tick(100);
        assertEquals(2, sent.size());
        assertEquals(List.of(1L, 2L), sent.stream().map(Telemetry::n).toList());
        clock.advance(Duration.ofSeconds(1));
        p.tick(101);
        assertEquals(101, sent.get(2).session(), "a new connection: at once, numbered from 1 again");
        assertEquals(1, sent.get(2).n());
    }

    @Test
    void a_significant_change_goes_at_once_but_not_more_often_than_every_five_seconds() {
        TelemetryPublisher p = publisher();
        p.tick(1);
        clock.advance(Duration.ofSeconds(2));
        mains = false; // power cut
        p.tick(1);
        assertEquals(1, sent.size(), "within the minimum gap");
        clock.advance(Duration.ofSeconds(3));
        p.tick(1);
        assertEquals(2, sent.size());
        assertEquals(Boolean.FALSE, sent.get(1).mains());
        clock.advance(Duration.ofSeconds(10));
        battery = 79.0; // same band: not significant
        p.tick(1);
        assertEquals(2, sent.size());
        battery = 19.0; // below 20 %
        p.tick(1);
        assertEquals(3, sent.size());
        clock.advance(Duration.ofSeconds(10));
        pending = 1; // the outbox fills
        p.tick(1);
        assertEquals(4, sent.size());
        clock.advance(Duration.ofSeconds(10));
        battery = null; // the gauge stops answering
        p.tick(1);
        assertEquals(5, sent.size());
        assertNull(sent.get(4).battery());
    }

    @Test
    void while_offline_nothing_is_counted_as_sent() {
        online = false;
        TelemetryPublisher p = publisher();
        p.tick(1);
        clock.advance(Duration.ofSeconds(10));
        online = true;
        p.tick(1);
        assertEquals(1, sent.size());
        assertEquals(1, sent.get(0).n());
    }

    @Test
    void an_interval_below_five_seconds_is_refused() {
        assertThrows(IllegalArgumentException.class, () -> new TelemetryPublisher((s, n, at) -> null, t -> true, clock,
                Duration.ofSeconds(2)));
    }

    @TempDir
    Path root;

    @Test
    void the_probe_reads_the_system_and_says_null_for_what_it_lacks() throws Exception {
        Files.createDirectories(root.resolve("proc/net"));
        Files.createDirectories(root.resolve("sys/class/thermal/thermal_zone0"));
        Files.createDirectories(root.resolve("run/systemd/timesync"));
        Files.writeString(root.resolve("proc/loadavg"), "0.42 0.30 0.20 1/123 4567\n");
        Files.writeString(root.resolve("proc/meminfo"), "MemTotal:  512000 kB\nMemAvailable:  201234 kB\n");
        Files.writeString(root.resolve("proc/uptime"), "3600.55 7000.00\n");
        Files.writeString(root.resolve("sys/class/thermal/thermal_zone0/temp"), "48250\n");
        Files.writeString(root.resolve("proc/net/wireless"), "Inter-| sta-|   Quality        |\n"
                + " face | tus | link level noise |\n wlan0: 0000   52.  -58.  -256        0      0\n");
        HealthProbe probe = new HealthProbe(root);
        assertEquals(0.42, probe.load());
        assertEquals(201234L, probe.freeMemoryKb());
        assertEquals(3600L, probe.uptimeSeconds());
        assertEquals(48.25, probe.celsius());
        assertEquals(-58, probe.signalDbm());
        assertEquals(Boolean.FALSE, probe.clockSynced(), "timesyncd runs but has not synchronised");
        Files.writeString(root.resolve("run/systemd/timesync/synchronized"), "");
        assertEquals(Boolean.TRUE, probe.clockSynced());
        HealthProbe bare = new HealthProbe(root.resolve("nothing"));
        assertNull(bare.load());
        assertNull(bare.celsius());
        assertNull(bare.signalDbm());
        assertNull(bare.clockSynced());
    }
}
