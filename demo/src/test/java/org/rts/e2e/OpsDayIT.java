package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.store.HistoryStore;
import org.rts.hub.store.UnitStore;
import org.rts.hub.testing.TestElection;
import org.rts.hub.units.BatteryLog;
import org.rts.hub.web.OpsRoom;
import org.rts.hub.web.Users;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Telemetry;

/**
 * The day in pictures for a national fleet: a hub whose store holds 10,000 units and the figures of a polling day
 * (turnout by governorate against the previous election, units by state with an outage at midday, results after
 * the close), seen in headless Chromium in English and in Arabic, right to left, charts included; a unit's battery
 * history and the maintenance it is due. Screenshots are kept in {@code target/}; the first paint and the cost of
 * each update are measured and written to {@code target/ops-room-10k.txt}, not asserted.
 */
class OpsDayIT {
    private static final int UNITS = 10_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(300)
    void ten_thousand_units_the_day_in_charts_in_english_and_arabic() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant closes = now.minus(Duration.ofHours(2));
        Instant opens = closes.minus(Duration.ofHours(11));
        TestElection election = TestElection.national(dir.resolve("election"), Mosquitto.SHARED_URL, UNITS, closes);
        Path store = dir.resolve("hub.db");
        Map<String, Long> registered = new HashMap<>();
        election.election.stations().forEach(s -> registered.merge(s.region(), (long) s.registeredVoters(), Long::sum));
        seedUnits(store, election, now);
        seedDay(store, registered, opens, closes, now);
        seedCount(store, election, now);
        writeReference(election, opens);

        Path users = dir.resolve("ops-users");
        Files.writeString(users, Users.line("amal", "correct horse".toCharArray()) + "\n");
        HubConfig config = HubConfig.of(election.files, Mosquitto.SHARED_URL, store, "it-hub-" + UUID.randomUUID())
                .withOps(new OpsRoom("127.0.0.1", Mosquitto.freePort(), users));
        Hub hub = Hub.start(config, Clock.systemUTC());
        WebDriver browser = OpsRoomIT.chrome();
        try {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1300));
            JavascriptExecutor js = (JavascriptExecutor) browser;
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            String base = "http://127.0.0.1:" + hub.opsPort();
            browser.get(base + "/login");
            browser.findElement(By.name("user")).sendKeys("amal");
            browser.findElement(By.name("password")).sendKeys("correct horse");
            browser.findElement(By.tagName("button")).click();
            wait.until(d -> d.findElement(By.id("units-shown")).getText().contains("500 / " + UNITS));
            wait.until(d -> Boolean.TRUE.equals(js.executeScript("const c = echarts.getInstanceByDom("
                    + "document.getElementById('chart-turnout')); return !!c && c.getOption().series.length >= 19;")));
            assertEquals(500L, js.executeScript("return document.querySelectorAll('#units tbody tr').length;"),
                    "the table draws the first 500 of 10,000; the filters narrow them");
            assertEquals(Boolean.TRUE, js.executeScript("const o = echarts.getInstanceByDom(document"
                    + ".getElementById('chart-turnout')).getOption(); return o.series.some(s => s.name === 'Nation')"
                    + " && o.series.some(s => s.name === 'previous election Nation')"
                    + " && o.series.some(s => s.name === 'بغداد');"), "today's turnout beside the previous one's");
            assertEquals(Boolean.TRUE, js.executeScript("const o = echarts.getInstanceByDom(document"
                    + ".getElementById('chart-units')).getOption(); return o.series.length === 4"
                    + " && Math.max(...o.series[2].data.map(p => p[1])) >= 600;"), "the midday outage in the units");
            wait.until(d -> d.findElement(By.id("maintenance")).getText().contains("replace the battery"));
            // the 500 stations without a result, by region, with when their unit was last heard
            wait.until(d -> d.findElement(By.id("missing-summary")).getText().equals("(500)"));
            assertEquals(200L, js.executeScript("return document.querySelectorAll('#missing tbody tr').length;"));
            // the readiness of the enrolled units: those not ready listed with why and what to do
            wait.until(d -> d.findElement(By.id("readiness-summary")).getText().endsWith("/ 3 ready"));
            wait.until(d -> d.findElement(By.id("readiness")).getText().contains("what to do") || d.findElement(
                    By.id("readiness")).getText().contains("dev-"));
            Thread.sleep(5_000); // a few live updates of 10,000 units, measured below
            String measured = measure(js);
            Path report = Path.of("target", "ops-room-10k.txt");
            Files.createDirectories(report.getParent());
            Files.writeString(report, measured);
            System.out.println("operations room, " + UNITS + " units, headless Chromium: " + measured);
            shot(browser, "ops-room-10k.png");

            // a unit's day: battery, signal and messages waiting, and its battery's history
            wait.until(d -> {
                d.findElement(By.cssSelector("#units tr[data-device='dev-1']")).click();
                return true;
            });
            wait.until(d -> d.findElement(By.id("unit-battery")).getText().contains("replace the battery"));
            wait.until(d -> Boolean.TRUE.equals(js.executeScript("const c = echarts.getInstanceByDom("
                    + "document.getElementById('chart-unit')); return !!c && c.getOption().series[0].data.length"
                    + " > 100;")));
            Files.write(Path.of("target", "ops-room-unit.png"), browser.findElement(By.id("unit"))
                    .getScreenshotAs(OutputType.BYTES));

            // Arabic: the page and the charts right to left, their labels in Arabic
            browser.findElement(By.id("lang")).click();
            assertEquals("rtl", browser.findElement(By.tagName("html")).getAttribute("dir"));
            wait.until(d -> Boolean.TRUE.equals(js.executeScript("const o = echarts.getInstanceByDom(document"
                    + ".getElementById('chart-turnout')).getOption(); return o.xAxis[0].inverse === true"
                    + " && o.yAxis[0].position === 'right' && o.title[0].text === 'المشاركة خلال اليوم'"
                    + " && o.series.some(s => s.name === 'الوطني');")));
            js.executeScript("window.scrollTo(0, 0);");
            shot(browser, "ops-room-10k-ar.png");
        } finally {
            browser.quit();
            hub.close();
        }
    }

    /** First paint, the charts drawn, and what one live update of the page costs, in milliseconds. */
    private static String measure(JavascriptExecutor js) {
        Object figures = js.executeScript("""
                const p = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
                const day = performance.getEntriesByName('day');
                const r = performance.getEntriesByName('render').map(e => e.duration).sort((a, b) => a - b);
                const f = (x) => x === undefined ? 'n/a' : Math.round(x);
                return 'first contentful paint ' + f(p && p.startTime) + ' ms; charts drawn at '
                  + f(day.length && day[0].startTime + day[0].duration) + ' ms, drawing them ' + f(day.length
                  && day[0].duration) + ' ms; one update of the page (' + r.length + ' measured) median '
                  + f(r[Math.floor(r.length / 2)]) + ' ms, max ' + f(r[r.length - 1]) + ' ms';""");
        Object events = js.executeScript("const s = performance.getEntriesByName('snapshot').map(e => e.detail);"
                + " return '; live events: the first ' + Math.round(s[0] / 1e5) / 10 + ' MB (every unit), then '"
                + " + Math.round(s[s.length - 1] / 1e3) + ' KB (what changed)';");
        return figures + String.valueOf(events);
    }

    private static void shot(WebDriver browser, String name) throws Exception {
        Path shot = Path.of("target", name);
        Files.write(shot, ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertTrue(Files.size(shot) > 10_000, name);
    }

    /** 10,000 units as the hub last stored them: most online, some lost or silent, dev-1 with a failing battery. */
    private static void seedUnits(Path store, TestElection election, Instant now) {
        List<UnitStore.UnitRow> rows = new ArrayList<>();
        for (int i = 1; i <= UNITS; i++) {
            String device = i <= 3 ? "dev-" + i : "u-" + i;
            String state = i % 97 == 0 ? "LOST" : i % 211 == 0 ? "OFFLINE" : "ONLINE";
            Telemetry t = telemetry(election.id, device, "S-" + i, now.minusSeconds(i % 60), 20 + (i * 37) % 80.0,
                    i % 5 == 0, i % 13 == 0 ? 2 : 0);
            rows.add(new UnitStore.UnitRow(device, "S-" + i, state, now.minusSeconds(i % 60), 1,
                    new String(MessageCodec.encode(t), StandardCharsets.UTF_8), 0L, List.of()));
        }
        try (UnitStore units = UnitStore.open(store.toString()); HistoryStore history = HistoryStore.open(
                store.toString())) {
            units.saveUnits(rows);
            List<HistoryStore.Point> points = new ArrayList<>();
            BatteryLog log = BatteryLog.NONE;
            for (int day = 0; day < 3; day++) {
                // each day off mains from full for a shorter time to the same low: a battery losing capacity
                Instant start = now.minus(Duration.ofDays(3 - day));
                double hours = 10 - 2.5 * day;
                for (int m = 0; m <= hours * 12; m++) {
                    Instant at = start.plus(Duration.ofMinutes(5L * m));
                    double battery = 100 - 60 * m / (hours * 12);
                    log = log.next(at, battery, false, false);
                    points.add(new HistoryStore.Point("dev-1", at, (int) Math.round(battery), false, false,
                            -60 - (m % 24), m % 36 == 0 ? 1 : 0));
                }
                for (int m = 1; m <= 24; m++) {
                    Instant at = start.plus(Duration.ofMinutes((long) (hours * 60) + 5L * m));
                    double battery = Math.min(100, 40 + 60 * m / 22.0);
                    log = log.next(at, battery, true, battery < 100);
                    points.add(new HistoryStore.Point("dev-1", at, (int) Math.round(battery), true, battery < 100,
                            -65, 0));
                }
            }
            history.save(points, Map.of("dev-1", log.json()));
        }
    }

    private static Telemetry telemetry(String election, String device, String station, Instant at, double battery,
                                       boolean mains, int pending) {
        return new Telemetry(1, election, Mode.LIVE, device, station, 1, 1, at, battery, 3.9, mains, mains, 41.0,
                0.2, 180_000L, 2_000_000L, 36_000L, true, -71, pending, pending == 0 ? null : 30L, "0.1", "cfg",
                false);
    }

    /** Share of the registered voters who voted by the close in the {@code r}-th governorate (sorted by name). */
    private static double finalTurnout(int r) {
        return 0.35 + 0.015 * r;
    }

    /**
     * What the figures of the day end at, as the hub's store holds it now: each station's turnout, and the results
     * of 95 % of the stations (written as the intake writes them; the store is this test's to fill).
     */
    private static void seedCount(Path store, TestElection election, Instant now) throws Exception {
        List<String> regions = election.election.stations().stream().map(s -> s.region()).distinct().sorted()
                .toList();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + store)) {
            c.setAutoCommit(false);
            try (java.sql.PreparedStatement turnout = c.prepareStatement("INSERT INTO stations (election, station,"
                    + " max_voters) VALUES (?,?,?)"); java.sql.PreparedStatement result = c.prepareStatement(
                    "INSERT INTO results (election, station, race, device, msg_hash, registered, received, unused,"
                    + " spoiled, in_box, invalid, votes, figures, warnings, accepted_at) VALUES"
                    + " (?,?,'parliament',?,?,?,?,?,0,?,?,?,'{}','',?)")) {
                int i = 0;
                for (var s : election.election.stations()) {
                    i++;
                    int voters = (int) Math.round(s.registeredVoters() * finalTurnout(regions.indexOf(s.region())));
                    turnout.setString(1, election.id);
                    turnout.setString(2, s.id());
                    turnout.setInt(3, voters);
                    turnout.addBatch();
                    if (i % 20 == 0) {
                        continue; // 5 % of the stations have not sent their result yet
                    }
                    int invalid = voters / 50;
                    int a = (voters - invalid) / 2;
                    int b = (voters - invalid - a) * 2 / 3;
                    result.setString(1, election.id);
                    result.setString(2, s.id());
                    result.setString(3, "u-" + i);
                    result.setString(4, "hash-" + i);
                    result.setInt(5, s.registeredVoters());
                    result.setInt(6, s.registeredVoters());
                    result.setInt(7, s.registeredVoters() - voters);
                    result.setInt(8, voters);
                    result.setInt(9, invalid);
                    result.setString(10, a + "," + b + "," + (voters - invalid - a - b));
                    result.setString(11, now.toString());
                    result.addBatch();
                }
                turnout.executeBatch();
                result.executeBatch();
            }
            c.commit();
        }
    }

    /** A polling day each minute: units by state, turnout per governorate, results after the close. */
    private static void seedDay(Path store, Map<String, Long> registered, Instant opens, Instant closes,
                                Instant now) {
        List<HistoryStore.Figure> figures = new ArrayList<>();
        List<String> regions = new ArrayList<>(registered.keySet());
        java.util.Collections.sort(regions);
        long expected = UNITS;
        for (Instant at = opens.minus(Duration.ofHours(1)); at.isBefore(now); at = at.plus(Duration.ofMinutes(1))) {
            double dayPart = Math.max(0, Math.min(1, Duration.between(opens, at).toMinutes()
                    / (double) Duration.between(opens, closes).toMinutes()));
            double afterClose = Math.max(0, Duration.between(closes, at).toMinutes());
            long hour = Duration.between(opens, at).toHours();
            long lost = hour == 5 ? 600 : 103; // a cell outage at midday
            long offline = at.isBefore(opens) ? 400 - Duration.between(at, opens).toMinutes() : 47;
            long silent = hour == 5 ? 40 : 0;
            figures.add(new HistoryStore.Figure("units:LOST", at, lost));
            figures.add(new HistoryStore.Figure("units:SILENT", at, silent));
            figures.add(new HistoryStore.Figure("units:OFFLINE", at, offline));
            figures.add(new HistoryStore.Figure("units:ONLINE", at, UNITS - lost - silent - offline));
            long votersAll = 0;
            long registeredAll = 0;
            for (int r = 0; r < regions.size(); r++) {
                double share = finalTurnout(r) * dayPart * dayPart * (3 - 2 * dayPart);
                long reg = registered.get(regions.get(r));
                long voters = Math.round(reg * share);
                votersAll += voters;
                registeredAll += reg;
                figures.add(new HistoryStore.Figure("voters:" + regions.get(r), at, voters));
                figures.add(new HistoryStore.Figure("registered:" + regions.get(r), at, reg));
            }
            figures.add(new HistoryStore.Figure("voters:", at, votersAll));
            figures.add(new HistoryStore.Figure("registered:", at, registeredAll));
            figures.add(new HistoryStore.Figure("results:", at, Math.round(expected * 0.95 * Math.min(1,
                    afterClose / 100))));
        }
        try (HistoryStore history = HistoryStore.open(store.toString())) {
            history.saveFigures(figures);
        }
    }

    /** The previous election's national turnout, hour by hour, a little lower than today's. */
    private static void writeReference(TestElection election, Instant opens) throws Exception {
        StringBuilder csv = new StringBuilder("time,region,percent\n");
        for (int h = 0; h <= 11; h++) {
            Instant at = opens.plus(Duration.ofHours(h));
            double part = h / 11.0;
            csv.append(String.format(java.util.Locale.ROOT, "%02d:%02d,,%.1f%n", at.atZone(ZoneOffset.UTC).getHour(),
                    at.atZone(ZoneOffset.UTC).getMinute(), 38 * part * part * (3 - 2 * part)));
        }
        Files.writeString(election.files.dir().resolve("turnout-reference.csv"), csv);
    }
}
