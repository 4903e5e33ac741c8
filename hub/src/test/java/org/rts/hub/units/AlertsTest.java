package org.rts.hub.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.intake.AcceptedResult;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.hub.units.Alerts.Alert;
import org.rts.hub.units.Alerts.Rule;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Constituency;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Polling;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Presence;
import org.rts.protocol.message.Telemetry;
import org.rts.protocol.pki.Pem;

/** Alerts open only after their condition held for the rule's duration, stay while it holds, close when it clears. */
class AlertsTest {
    @TempDir
    Path dir;

    private TestElection election;
    private UnitRegistry units;
    private Alerts alerts;
    private Instant now = Instant.parse("2026-11-26T12:00:00Z"); // 15:00 in Baghdad
    private long n;
    private Device dev1;

    @BeforeEach
    void setUp() {
        election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        var files = election.files;
        RegistryWatch registry = new RegistryWatch(files.registry(), files.crl(),
                Pem.readCertificate(files.caCertificate()), election.id);
        units = new UnitRegistry(election.id, registry::current, Duration.ofMinutes(3));
        Election e = election.election;
        Election withClose = new Election(e.id(), e.name(), e.mode(), e.races(), e.stations(), e.tolerances(),
                new Polling("Asia/Baghdad", List.of(), java.time.LocalDateTime.parse("2026-11-26T18:00")));
        alerts = new Alerts(withClose, Alerts.Settings.DEFAULT);
        dev1 = election.device(1);
    }

    private void presence(Presence.State state, long session) {
        Presence p = new Presence(1, election.id, Mode.LIVE, dev1.id, dev1.station, session, now, state);
        assertTrue(units.accept(Topics.report(election.id, dev1.id, Topics.PRESENCE), dev1.signRaw(MessageCodec
                .encode(p)), now).taken());
    }

    private void telemetry(Double battery, boolean charging, int pending, boolean tamper, Instant unitClock) {
        Telemetry t = new Telemetry(1, election.id, Mode.LIVE, dev1.id, dev1.station, 1, ++n, unitClock, battery, 3.7,
                charging, charging, null, null, null, null, null, true, null, pending, null, "0.1", "cfg", tamper);
        assertTrue(units.accept(Topics.report(election.id, dev1.id, Topics.TELEMETRY), dev1.signRaw(MessageCodec
                .encode(t)), now).taken());
    }

    private Instant crlNextUpdate;

    private List<Alert> step(Duration d) {
        now = now.plus(d);
        return alerts.evaluate(now, units.statuses(now), units, Set::of, crlNextUpdate);
    }

    private List<Rule> open() {
        return alerts.open().stream().map(Alert::rule).toList();
    }

    /** The unit speaks (telemetry), then the clock moves and the alerts are evaluated. */
    private List<Alert> alive(Duration d, Double battery, boolean charging, int pending) {
        telemetry(battery, charging, pending, false, now);
        return step(d);
    }

    @Test
    void low_battery_opens_after_two_minutes_not_on_a_flicker_and_closes_when_charging() {
        presence(Presence.State.ONLINE, 1);
        alive(Duration.ZERO, 15.0, false, 0);
        assertTrue(alive(Duration.ofMinutes(1), 15.0, false, 0).isEmpty(), "not yet: a flicker pages no one");
        alive(Duration.ofSeconds(30), 60.0, false, 0);
        alive(Duration.ZERO, 15.0, false, 0);
        alive(Duration.ofMinutes(1), 15.0, false, 0);
        assertEquals(List.of(), open(), "the condition started again");
        List<Alert> changed = alive(Duration.ofMinutes(1), 15.0, false, 0);
        assertEquals(List.of(Rule.BATTERY_LOW), changed.stream().map(Alert::rule).toList());
        assertTrue(changed.get(0).detail().contains("battery 15 %"), changed.get(0).detail());
        for (int i = 0; i < 3; i++) {
            alive(Duration.ofMinutes(1), 14.0, false, 0);
        }
        assertEquals(List.of(Rule.BATTERY_LOW), open(), "stays open while it holds");
        assertEquals(Duration.ofMinutes(3), alerts.open().get(0).age(now));
        List<Alert> closed = alive(Duration.ofSeconds(5), 16.0, true, 0);
        assertEquals(1, closed.size());
        assertTrue(!closed.get(0).open() && open().isEmpty());
        assertEquals(1, alerts.history().size(), "kept as history");
    }

    @Test
    void a_lost_unit_alerts_after_five_minutes_and_a_silent_one_too() {
        presence(Presence.State.ONLINE, 1);
        alive(Duration.ZERO, 90.0, false, 0);
        presence(Presence.State.LOST, 1);
        step(Duration.ZERO);
        step(Duration.ofMinutes(4));
        assertEquals(List.of(), open());
        step(Duration.ofMinutes(1));
        assertEquals(List.of(Rule.UNIT_DOWN), open());
        presence(Presence.State.ONLINE, 2);
        step(Duration.ofSeconds(5));
        assertEquals(List.of(), open());
        step(Duration.ofMinutes(3).plusSeconds(1)); // nothing heard: silent
        step(Duration.ofMinutes(5));
        assertEquals(List.of(Rule.UNIT_DOWN), open());
        assertTrue(alerts.open().get(0).detail().startsWith("silent"), alerts.open().get(0).detail());
    }

    @Test
    void tamper_and_a_wrong_clock_and_flapping() {
        presence(Presence.State.ONLINE, 1);
        telemetry(90.0, true, 0, true, now.plus(Duration.ofMinutes(7)));
        step(Duration.ZERO);
        assertEquals(List.of(Rule.TAMPER), open(), "at once");
        for (int i = 0; i < 10; i++) {
            telemetry(90.0, true, 0, true, now.plus(Duration.ofMinutes(7)));
            step(Duration.ofMinutes(1));
        }
        assertTrue(open().contains(Rule.CLOCK), open().toString());
        for (int s = 2; s <= 6; s++) {
            presence(Presence.State.ONLINE, s);
            now = now.plusSeconds(20);
        }
        List<Alert> changed = step(Duration.ofSeconds(1));
        assertEquals(1, changed.stream().filter(a -> a.rule() == Rule.FLAPPING).count(), "one alert, not five");
    }

    @Test
    void after_the_close_a_full_outbox_and_a_station_without_result_alert() {
        presence(Presence.State.ONLINE, 1);
        now = Instant.parse("2026-11-26T14:59:00Z"); // 17:59 in Baghdad
        alive(Duration.ZERO, 90.0, true, 2);
        assertEquals(List.of(), open());
        for (int i = 0; i < 16; i++) {
            alive(Duration.ofMinutes(1), 90.0, true, 2);
        }
        assertEquals(List.of(Rule.OUTBOX_AFTER_CLOSE), open(), "15 min after the close, still waiting");
        alive(Duration.ofSeconds(5), 90.0, true, 0);
        assertEquals(List.of(), open());
        now = Instant.parse("2026-11-26T21:00:00Z"); // 00:00, 6 h after the close
        alive(Duration.ZERO, 90.0, true, 0);
        assertEquals(3, alerts.open().stream().filter(a -> a.rule() == Rule.NO_RESULT).count(),
                "each of the 3 stations without a result 6 h after the close");
        List<Alert> closed = alerts.evaluate(now.plusSeconds(5), units.statuses(now), units,
                () -> Set.of("S-1", "S-2", "S-3"), null);
        assertEquals(3, closed.stream().filter(a -> !a.open()).count());
    }

    @Test
    void a_station_has_reported_when_every_race_of_its_ballot_has_an_accepted_result() {
        List<Candidate> two = List.of(new Candidate("x", "Xi"), new Candidate("y", "Ypsilon"));
        Election districts = new Election("districts", "Districts", Mode.LIVE, List.of(new Race("parliament",
                "Parliament", two)), List.of(
                new Constituency("north", "North", "Nineveh", List.of(new Race("north-council", "North", two))),
                new Constituency("south", "South", "Basra", List.of(new Race("south-council", "South", two)))),
                List.of(new Station("S-1", "One", 500, null, null, "north", null),
                        new Station("S-2", "Two", 480, null, null, "north", List.of("north-council")),
                        new Station("S-3", "Three", 450, null, null, "south", null)), null,
                new Polling("Asia/Baghdad", List.of(), java.time.LocalDateTime.parse("2026-11-26T18:00")));
        List<AcceptedResult> accepted = List.of(accepted("S-1", "parliament"), accepted("S-1", "north-council"),
                accepted("S-2", "north-council"), accepted("S-3", "parliament"),
                accepted("S-3", "north-council")); // the last one is not on S-3's ballot: it stands for nothing
        assertEquals(Set.of("S-1", "S-2"), UnitMonitor.stationsReported(districts, accepted),
                "S-2 votes in north-council only; S-3 lacks south-council");
        List<Alert> opened = new Alerts(districts, Alerts.Settings.DEFAULT).evaluate(
                Instant.parse("2026-11-26T21:00:00Z"), List.of(), units,
                () -> UnitMonitor.stationsReported(districts, accepted), null);
        assertEquals(List.of("S-3"), opened.stream().filter(a -> a.rule() == Rule.NO_RESULT).map(Alert::station)
                .toList());
    }

    private static AcceptedResult accepted(String station, String race) {
        return new AcceptedResult(station, race, "dev", "hash", 500, 400, 10, List.of(200, 190), "", List.of());
    }

    @Test
    void the_crl_alert_opens_a_week_before_the_crl_lapses_holds_after_and_closes_once_it_is_renewed() {
        crlNextUpdate = now.plus(Duration.ofDays(8));
        step(Duration.ZERO);
        assertEquals(List.of(), crlAlerts(), "8 days left");
        step(Duration.ofDays(1));
        assertEquals(1, crlAlerts().size(), "7 days left");
        assertTrue(crlAlerts().get(0).detail().contains("provisioning renew-crl"), crlAlerts().get(0).detail());
        step(Duration.ofDays(8));
        assertEquals(List.of(Alerts.CRL_LAPSED), crlAlerts().stream().map(Alert::subject).toList(),
                "lapsed a day ago: an alert of its own, that says so");
        assertTrue(crlAlerts().get(0).detail().contains("lapsed at"), crlAlerts().get(0).detail());
        crlNextUpdate = now.plus(Duration.ofDays(90));
        List<Alert> changed = step(Duration.ofSeconds(5));
        assertEquals(List.of(), crlAlerts(), "renewed");
        assertEquals(List.of(Alerts.CRL_LAPSED), changed.stream()
                .filter(a -> !a.open() && a.rule() == Rule.CRL_EXPIRING).map(Alert::subject).toList());
    }

    private List<Alert> crlAlerts() {
        return alerts.open().stream().filter(a -> a.rule() == Rule.CRL_EXPIRING).toList();
    }
}
