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
        List<Readiness.Line> lines = Readiness.report(election.election, registry, units, "0.1",
                device -> device.equals("dev-1") ? "cfg" : "other", now);
        assertEquals(3, lines.size());
        assertEquals(List.of("dev-2", "dev-3", "dev-1"), lines.stream().map(Readiness.Line::device).toList(),
                "the units not ready first");
        Readiness.Line two = lines.get(0);
        assertFalse(two.ready());
        assertEquals(List.of("not heard from for 30 h", "battery 40 %", "software 0.0, expected 0.1", "case open",
                "configuration cfg, issued other"), two.why());
        assertEquals(5, two.todo().size(), "what to do about each: " + two.todo());
        assertTrue(two.todo().get(1).startsWith("charge the unit to full"), two.todo().toString());
        assertEquals(List.of("never heard from"), lines.get(1).why());
        assertTrue(lines.get(2).ready(), lines.get(2).why().toString());
        String csv = Readiness.csv(lines);
        assertTrue(csv.startsWith("device,station,region,last_seen,battery,mains,software,config,certificate_expires,"
                + "last_full_charge,test_transmission,ready,why_not,what_to_do\r\n"), csv);
        assertTrue(csv.contains("dev-1,S-1,,"), csv);
        assertTrue(csv.contains(",no,\"not heard from for 30 h; battery 40 %; software 0.0, expected 0.1; case"
                + " open; configuration cfg, issued other\",switch the unit on"), csv);
    }

    @Test
    void the_printable_report_has_a_section_per_region_and_is_written_on_a_schedule() throws Exception {
        TestElection election = TestElection.withConstituencies(dir.resolve("election"), "tcp://127.0.0.1:1883");
        Registry registry = Registry.readSigned(election.files.registry(),
                Pem.readCertificate(election.files.caCertificate()));
        Instant now = TestElection.NOW;
        List<Readiness.Line> lines = Readiness.report(election.election, registry, List.of(
                new UnitRegistry.UnitStatus("dev-1", "S-1", UnitRegistry.State.ONLINE, now.minusSeconds(60), 1,
                        telemetry("dev-1", "S-1", 95, false, "0.1", false), 0L, List.of())),
                null, Readiness.issuedConfigs(election.files), now);
        java.io.ByteArrayOutputStream pdf = new java.io.ByteArrayOutputStream();
        ReadinessPdf.write("Test election", lines, now, pdf);
        String text = pdfText(pdf.toByteArray());
        assertTrue(text.contains("0 of 3 units ready"), text);
        assertTrue(text.contains("Region Basra: 0 of 1 ready") && text.contains("Region Nineveh: 0 of 2 ready"),
                text);
        assertTrue(text.contains("configuration cfg, issued " + org.rts.protocol.files.DeviceConfig.version(
                java.nio.file.Files.readAllBytes(election.files.bundle("dev-1").config()))), "the configuration the"
                + " unit runs is not the one provisioning issued: " + text);
        assertTrue(text.contains("import the bundle provisioning issued again"), text);
        assertTrue(text.contains("never heard from"), text);

        ReportSchedule schedule = new ReportSchedule(dir.resolve("reports"), Duration.ofMinutes(60));
        schedule.writeNow("Test election", lines, now);
        List<String> written;
        try (var files = java.nio.file.Files.list(dir.resolve("reports"))) {
            written = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("readiness-20261122T183000Z.csv", "readiness-20261122T183000Z.pdf"), written);
        assertTrue(pdfText(java.nio.file.Files.readAllBytes(dir.resolve("reports/readiness-20261122T183000Z.pdf")))
                .contains("Region Basra"));
    }

    private static String pdfText(byte[] pdf) throws java.io.IOException {
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            return new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
        }
    }

    @Test
    void a_battery_not_full_for_a_week_and_a_drill_without_test_transmission_are_not_ready() {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.DRILL);
        Registry registry = Registry.readSigned(election.files.registry(),
                Pem.readCertificate(election.files.caCertificate()));
        Instant now = TestElection.NOW;
        List<UnitRegistry.UnitStatus> units = java.util.stream.IntStream.rangeClosed(1, 3).mapToObj(i ->
                new UnitRegistry.UnitStatus("dev-" + i, "S-" + i, UnitRegistry.State.ONLINE, now.minusSeconds(60), 1,
                        telemetry("dev-" + i, "S-" + i, 95, true, "0.1", false), 0L, List.of())).toList();
        BatteryLog fullToday = BatteryLog.NONE.next(now.minusSeconds(600), 99.0, true, false);
        BatteryLog fullLongAgo = BatteryLog.NONE.next(now.minus(Duration.ofDays(9)), 100.0, true, false)
                .next(now.minus(Duration.ofDays(8)), 90.0, false, false).next(now.minusSeconds(600), 95.0, true, true);
        List<Readiness.Line> lines = Readiness.report(election.election, registry, units, "0.1",
                new Readiness.Facts(device -> null, java.util.Map.of("dev-1", fullToday, "dev-2", fullLongAgo),
                        java.util.Set.of("dev-1", "dev-2")), now);
        java.util.Map<String, Readiness.Line> byDevice = new java.util.HashMap<>();
        lines.forEach(l -> byDevice.put(l.device(), l));
        assertTrue(byDevice.get("dev-1").ready(), byDevice.get("dev-1").why().toString());
        assertEquals(Boolean.TRUE, byDevice.get("dev-1").testSent());
        assertEquals(List.of("battery not full in the last 7 days"), byDevice.get("dev-2").why());
        assertEquals(now.minus(Duration.ofDays(9)), byDevice.get("dev-2").lastFull());
        assertTrue(byDevice.get("dev-2").todo().get(0).startsWith("charge the unit to full on mains"));
        assertEquals(List.of("no test transmission received in the drill"), byDevice.get("dev-3").why(),
                "a unit without a battery log is not judged on it");
        assertEquals(Boolean.FALSE, byDevice.get("dev-3").testSent());
        assertTrue(byDevice.get("dev-3").todo().get(0).startsWith("have the officer send the drill's test result"));

        List<Maintenance.Unit> schedule = Maintenance.schedule(election.election, registry, java.util.Map.of("dev-1",
                fullToday, "dev-2", fullLongAgo), java.util.Set.of("dev-1", "dev-2"), now);
        assertEquals(List.of("dev-2", "dev-3", "dev-1"), schedule.stream().map(Maintenance.Unit::device).toList(),
                "units with checks due first");
        assertEquals(List.of("charge to full: last full 9 days ago"), schedule.get(0).due());
        assertEquals(List.of("send the drill's test transmission"), schedule.get(1).due());
        assertEquals(0.1, schedule.get(0).cycles(), "10 points drained: a tenth of a cycle");
    }

    @Test
    void a_field_a_spreadsheet_would_run_is_defused() {
        Readiness.Line line = new Readiness.Line("dev-1", "=HYPERLINK(\"x\")", "", null, null, null, null, null,
                Instant.EPOCH, null, null, true, List.of(), List.of());
        String csv = Readiness.csv(List.of(line));
        assertTrue(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""), csv);
    }
}
