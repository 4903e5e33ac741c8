package org.rts.hub.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.files.Registry;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Telemetry;
import org.rts.protocol.pki.Pem;

/** The readiness report: ready units, and for the others why not; CSV a spreadsheet cannot be tricked by. */
class ReadinessTest {
    @TempDir
    Path dir;

    private static Telemetry telemetry(String device, String station, double battery, boolean mains, String software,
                                       boolean tamper) {
        return new Telemetry(1, "el", Mode.LIVE, device, station, 1, 1, TestElection.NOW, battery, 4.0, mains, mains,
                null, null, null, null, null, true, null, 0, null, software, "cfg", tamper);
    }

    @Test
    void each_active_unit_ready_or_with_its_reasons() {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        Registry registry = Registry.readSigned(election.files.registry(),
                Pem.readCertificate(election.files.caCertificate()));
        Instant now = TestElection.NOW;
        List<UnitRegistry.UnitStatus> units = List.of(
                new UnitRegistry.UnitStatus("dev-1", "S-1", UnitRegistry.State.ONLINE, now.minusSeconds(60), 1,
                        telemetry("dev-1", "S-1", 95, false, "0.1", false), 0L, List.of()),
                new UnitRegistry.UnitStatus("dev-2", "S-2", UnitRegistry.State.OFFLINE,
                        now.minus(Duration.ofHours(30)), 1, telemetry("dev-2", "S-2", 40, false, "0.0", true), 0L,
                        List.of()));
        List<Readiness.Line> lines = Readiness.report(election.election, registry, units, "0.1", now);
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).ready(), lines.get(0).why().toString());
        Readiness.Line two = lines.get(1);
        assertFalse(two.ready());
        assertEquals(List.of("not heard from for 30 h", "battery 40 %", "software 0.0, expected 0.1", "case open"),
                two.why());
        assertEquals(List.of("never heard from"), lines.get(2).why());
        String csv = Readiness.csv(lines);
        assertTrue(csv.startsWith("device,station,region,last_seen,battery,mains,software,certificate_expires,ready,"
                + "why_not\r\n"), csv);
        assertTrue(csv.contains("dev-1,S-1,,"), csv);
        assertTrue(csv.contains(",no,\"not heard from for 30 h; battery 40 %; software 0.0, expected 0.1; case"
                + " open\"\r\n"), csv);
    }

    @Test
    void a_field_a_spreadsheet_would_run_is_defused() {
        Readiness.Line line = new Readiness.Line("dev-1", "=HYPERLINK(\"x\")", "", null, null, null, null,
                Instant.EPOCH, true, List.of());
        String csv = Readiness.csv(List.of(line));
        assertTrue(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""), csv);
    }
}
