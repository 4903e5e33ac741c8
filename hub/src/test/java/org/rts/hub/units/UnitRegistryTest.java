package org.rts.hub.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.hub.units.UnitRegistry.State;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Presence;
import org.rts.protocol.message.Telemetry;
import org.rts.protocol.pki.Pem;

/** The units' health from their signed telemetry and presence: states, sessions, replays, flags, forgeries. */
class UnitRegistryTest {
    @TempDir
    Path dir;

    private TestElection election;
    private UnitRegistry units;
    private Device dev1;
    private final Instant now = TestElection.NOW;

    @BeforeEach
    void setUp() {
        election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        var files = election.files;
        RegistryWatch registry = new RegistryWatch(files.registry(), files.crl(),
                Pem.readCertificate(files.caCertificate()), election.id);
        units = new UnitRegistry(election.id, registry::current, Duration.ofMinutes(3));
        dev1 = election.device(1);
    }

    private UnitRegistry.Outcome presence(Device d, long session, Presence.State state) {
        Presence p = new Presence(1, election.id, Mode.LIVE, d.id, d.station, session, now, state);
        return units.accept(Topics.report(election.id, d.id, Topics.PRESENCE), d.signRaw(MessageCodec.encode(p)), now);
    }

    private UnitRegistry.Outcome telemetry(Device d, long session, long n, Double battery, Instant at, Instant seen) {
        Telemetry t = new Telemetry(1, election.id, Mode.LIVE, d.id, d.station, session, n, at, battery, 4.0, true,
                false, 45.0, 0.2, 100_000L, 1_000_000L, 100L, true, null, 0, null, "0.1", "cfg", false);
        return units.accept(Topics.report(election.id, d.id, Topics.TELEMETRY), d.signRaw(MessageCodec.encode(t)),
                seen);
    }

    private UnitRegistry.UnitStatus status(String device, Instant at) {
        return units.statuses(at).stream().filter(s -> s.device().equals(device)).findFirst().orElseThrow();
    }

    @Test
    void online_then_lost_by_its_will_then_back_and_a_stale_will_is_ignored() {
        assertTrue(presence(dev1, 10, Presence.State.ONLINE).taken());
        assertEquals(State.ONLINE, status("dev-1", now).state());
        assertTrue(presence(dev1, 10, Presence.State.LOST).taken());
        assertEquals(State.LOST, status("dev-1", now).state());
        assertTrue(presence(dev1, 11, Presence.State.ONLINE).taken());
        UnitRegistry.Outcome stale = presence(dev1, 10, Presence.State.LOST);
        assertFalse(stale.taken());
        assertTrue(stale.why().contains("stale"), stale.why());
        assertEquals(State.ONLINE, status("dev-1", now).state());
        assertTrue(presence(dev1, 11, Presence.State.OFFLINE).taken());
        assertEquals(State.OFFLINE, status("dev-1", now).state(), "a clean goodbye is not a loss");
    }

    @Test
    void telemetry_keeps_the_latest_refuses_replays_and_a_unit_goes_silent() {
        assertTrue(telemetry(dev1, 5, 1, 90.0, now, now).taken());
        assertTrue(telemetry(dev1, 5, 2, 89.0, now, now.plusSeconds(60)).taken());
        UnitRegistry.Outcome replay = telemetry(dev1, 5, 2, 89.0, now, now.plusSeconds(61));
        assertFalse(replay.taken());
        assertTrue(replay.why().contains("replay"), replay.why());
        UnitRegistry.UnitStatus s = status("dev-1", now.plusSeconds(61));
        assertEquals(State.ONLINE, s.state(), "speaking means connected, even without a birth seen");
        assertEquals(89.0, s.telemetry().battery());
        assertEquals(State.SILENT, status("dev-1", now.plusSeconds(60 + 181)).state());
    }

    @Test
    void impossible_figures_are_kept_and_flagged() {
        assertTrue(telemetry(dev1, 1, 1, 250.0, now.plus(Duration.ofDays(2)), now).taken());
        List<String> flags = status("dev-1", now).flags();
        assertEquals(2, flags.size(), flags.toString());
        assertTrue(flags.get(0).contains("250.0 % is impossible"), flags.toString());
        assertTrue(flags.get(1).contains("ahead of the hub's clock"), flags.toString());
        assertEquals(250.0, status("dev-1", now).telemetry().battery(), "kept as sent");
    }

    @Test
    void forged_foreign_or_misplaced_health_is_refused() {
        Device rogue = election.rogue(1);
        assertFalse(presence(rogue, 1, Presence.State.ONLINE).taken());
        Device impostor = election.impostor(2, "dev-1"); // dev-2's key claiming dev-1
        assertFalse(presence(impostor, 1, Presence.State.ONLINE).taken());
        Presence p = new Presence(1, election.id, Mode.LIVE, "dev-1", "S-1", 1, now, Presence.State.ONLINE);
        UnitRegistry.Outcome onOtherTopic = units.accept(Topics.report(election.id, "dev-2", Topics.PRESENCE),
                dev1.signRaw(MessageCodec.encode(p)), now);
        assertFalse(onOtherTopic.taken());
        assertFalse(units.accept(Topics.report(election.id, "dev-1", Topics.TELEMETRY), "not a jws".getBytes(),
                now).taken());
        assertTrue(units.statuses(now).isEmpty(), "nothing forged shows up");
    }
}
