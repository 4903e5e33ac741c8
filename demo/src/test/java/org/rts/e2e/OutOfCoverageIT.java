package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rts.agent.AgentMain;
import org.rts.agent.outbox.Outbox;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.store.PhotoStore;
import org.rts.hub.testing.TestElection;
import org.rts.hub.web.OpsRoom;
import org.rts.hub.web.Users;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.relay.RelayParts;
import org.rts.protocol.stick.Stick;
import org.rts.provisioning.audit.CaPin;
import org.rts.provisioning.audit.ExportVerifier;

/**
 * An evening like Kenya's in 2017: 200 units with a ballot of 300 candidates (two QR codes a slip), 60 of them never
 * reach a network. For 30 of those an observer's phone (headless Chromium on the hub's check page) is given the photo
 * of the unit's printed slip and sends it to the commission; the other 30 outboxes go to the district centre on a USB
 * stick, imported in the operations room. Every result is accepted once, every receipt verifies on its unit, every
 * outbox ends empty (the relayed units' own copies answered as duplicates when they reach a network the next day),
 * and the export counts 140 / 30 / 30 messages by the way they came.
 */
class OutOfCoverageIT {
    private static final int UNITS = 200;
    private static final int RELAYED = 30;
    private static final int CARRIED = 30;
    private static final int OFFLINE = RELAYED + CARRIED;

    @TempDir
    Path dir;

    @Test
    @Timeout(900)
    void every_result_arrives_once_by_the_network_a_phone_or_a_stick() throws Exception {
        TestElection election = TestElection.everyStation(dir.resolve("election"), Mosquitto.SHARED_URL, UNITS, 300);
        Units.ready(election, UNITS);
        Path users = dir.resolve("ops-users");
        Files.writeString(users, Users.line("amal", Users.Role.ADMINISTRATOR, "correct horse".toCharArray()) + "\n");
        Path store = dir.resolve("hub.db");
        HubConfig config = HubConfig.of(election.files, Mosquitto.SHARED_URL, store, "it-hub-" + UUID.randomUUID())
                .withOps(new OpsRoom("127.0.0.1", Mosquitto.freePort(), users));
        Map<Integer, String> relayedCodes = new HashMap<>();
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        Path stick = dir.resolve("stick");
        try (Hub hub = Hub.start(config, Clock.systemUTC())) {
            Wait.until("the hub is subscribed", Duration.ofSeconds(30), hub::isConnected);
            String offline = "tcp://127.0.0.1:" + Cli.closedPort();
            List<Integer> all = new ArrayList<>();
            for (int i = 1; i <= UNITS; i++) {
                all.add(i);
                tally(i);
            }
            Map<Integer, Integer> sent = inParallel(all, i -> AgentMain.run("result", "--bundle", bundle(election, i),
                    "--file", dir.resolve("tally-" + i + ".csv").toString(),
                    "--broker", i <= OFFLINE ? offline : Mosquitto.SHARED_URL,
                    "--wait", i <= OFFLINE ? "0" : "60"));
            sent.forEach((i, code) -> assertEquals(i <= OFFLINE ? AgentMain.PENDING : AgentMain.ACCEPTED, code,
                    "unit " + i));
            assertEquals(UNITS - OFFLINE, hub.store().results(election.id).size());
            try (Outbox outbox = Outbox.open(Path.of(bundle(election, 1)).resolve("outbox.db"))) {
                String jws = outbox.pending().get(0).jws();
                assertTrue(RelayParts.codes(jws).size() >= 2, "a result of " + jws.length() + " characters: its slip "
                        + "holds " + RelayParts.codes(jws).size() + " codes");
            }

            WebDriver browser = OpsRoomIT.chrome(downloads);
            try {
                JavascriptExecutor js = (JavascriptExecutor) browser;
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
                String base = "http://127.0.0.1:" + hub.opsPort();
                signIn(browser, base);
                List<Map<?, ?>> missing = missing(js);
                assertEquals(OFFLINE, missing.size(), "the room lists the stations with no result yet");
                assertTrue(missing.stream().allMatch(m -> m.get("region") != null && m.get("lastSeen") == null
                        && m.get("device") != null), missing.toString());

                // half of them: the slip's photo on an observer's phone, sent to the commission
                browser.get(base + "/check");
                for (int i = 1; i <= RELAYED; i++) {
                    Cli.Result slip = Cli.agent("slip", "--bundle", bundle(election, i), "--pending");
                    assertEquals(AgentMain.ACCEPTED, slip.code(), slip.toString());
                    js.executeScript("document.getElementById('verdict').textContent = '';"
                            + "document.getElementById('sent').textContent = '';"
                            + "document.getElementById('photo').value = '';");
                    browser.findElement(By.id("photo")).sendKeys(Path.of(bundle(election, i))
                            .resolve("slips/slip-1.png").toString());
                    String verdict = verdict(browser);
                    assertTrue(verdict.equals("VALID: signed by unit dev-" + i + " for station S-" + i), verdict);
                    browser.findElement(By.id("send")).click();
                    wait.until(d -> d.findElement(By.id("sent")).getText().startsWith("The commission's hub"));
                    String answered = browser.findElement(By.id("sent")).getText();
                    assertTrue(answered.startsWith("The commission's hub answered: ACCEPTED, receipt code "),
                            answered);
                    relayedCodes.put(i, answered.substring(answered.lastIndexOf(' ') + 1));
                }

                // the other half: the outboxes on a stick, imported by an administrator in the room
                for (int i = RELAYED + 1; i <= OFFLINE; i++) {
                    Cli.Result exported = Cli.agent("export-outbox", "--bundle", bundle(election, i),
                            stick.toString());
                    assertTrue(exported.output().contains("1 message(s) waiting for the hub written to"),
                            exported.toString());
                }
                browser.get(base + "/");
                wait.until(d -> d.findElement(By.id("stick-section")).isDisplayed());
                browser.findElement(By.id("stick-files")).sendKeys(stick.resolve(Stick.ROOT).toString());
                browser.findElement(By.id("stick-import")).click();
                wait.until(d -> d.findElement(By.id("stick-status")).getText().contains("receipts.zip"));
                Path zip = downloads.resolve("receipts.zip");
                Wait.until("the receipts are downloaded", Duration.ofSeconds(30), () -> Files.exists(zip));
                unpack(zip, stick);
                assertEquals(0, missing(js).size(), "every station has its result");
            } finally {
                browser.quit();
            }
            String report = Files.readString(stick.resolve(Stick.ROOT + "/import-report.txt"));
            assertEquals(CARRIED, report.lines().filter(l -> l.contains("-result.jws: ACCEPTED")).count(), report);
            for (int i = RELAYED + 1; i <= OFFLINE; i++) {
                Cli.Result receipts = Cli.agent("import-receipts", "--bundle", bundle(election, i), stick.toString());
                assertEquals(AgentMain.ACCEPTED, receipts.code(), receipts.toString());
            }

            // the next day the relayed units reach a network: their own copies are the duplicates
            Map<Integer, Integer> resent = inParallel(all.subList(0, RELAYED), i -> AgentMain.run("send", "--bundle",
                    bundle(election, i), "--broker", Mosquitto.SHARED_URL, "--wait", "60"));
            resent.forEach((i, code) -> assertEquals(AgentMain.ACCEPTED, code, "unit " + i));

            var results = hub.store().results(election.id);
            assertEquals(UNITS, results.size(), "every result once");
            assertEquals(UNITS, results.stream().map(r -> r.station()).distinct().count());
            try (PhotoStore stored = PhotoStore.open(store.toString())) {
                for (int i = 1; i <= OFFLINE; i++) {
                    assertEquals(i <= RELAYED ? "relay" : "usb", stored.ofStation(election.id, "S-" + i).get(0)
                            .path(), "S-" + i);
                }
            }
        }

        for (int i = 1; i <= UNITS; i++) {
            try (Outbox outbox = Outbox.open(Path.of(bundle(election, i)).resolve("outbox.db"))) {
                assertEquals(0, outbox.pending().size(), "unit " + i + "'s outbox is empty");
                var receipt = outbox.recent(1).get(0);
                assertEquals("ACCEPTED", receipt.status(), "unit " + i);
                if (relayedCodes.containsKey(i)) {
                    assertEquals(relayedCodes.get(i), receipt.code(), "the receipt the phone showed, unit " + i);
                }
            }
        }

        Path export = dir.resolve("export");
        Cli.Result exported = Cli.hub("export", "--election", election.files.dir().toString(), "--store",
                store.toString(), "--out", export.toString());
        assertEquals(0, exported.code(), exported.toString());
        ExportVerifier.Result verified = ExportVerifier.verify(export, CaPin.of(election.files.caCertificate()),
                List.of());
        assertTrue(verified.ok(), verified.problems().toString());
        assertTrue(verified.checked().contains("accepted messages by the way they came {mqtt=140, relay=30, usb=30}"
                + " as the manifest says"), verified.checked().toString());
    }

    private static String bundle(TestElection election, int unit) {
        return election.files.bundle("dev-" + unit).dir().toString();
    }

    /**
     * Unit {@code unit}'s tally of 400 ballots: 6 to 10 invalid, candidate c1 takes what the others leave of the
     * valid ones.
     */
    private void tally(int unit) throws Exception {
        int k = unit % 5;
        List<String> csv = new ArrayList<>(List.of("race,parliament", "registered,500", "received,500", "unused,98",
                "spoiled,2", "inBox,400", "invalid," + (6 + k), "c1," + (14 - k)));
        for (int c = 2; c <= 300; c++) {
            csv.add("c" + c + "," + (c <= 82 ? 2 : 1));
        }
        Files.write(dir.resolve("tally-" + unit + ".csv"), csv);
    }

    /** {@code command} for each unit, four at a time, as units at their stations would; the exit code by unit. */
    private static Map<Integer, Integer> inParallel(List<Integer> units,
            java.util.function.IntUnaryOperator command) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Map<Integer, Future<Integer>> running = new HashMap<>();
            for (int i : units) {
                running.put(i, pool.submit(() -> command.applyAsInt(i)));
            }
            Map<Integer, Integer> codes = new HashMap<>();
            for (var e : running.entrySet()) {
                codes.put(e.getKey(), e.getValue().get());
            }
            return codes;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void signIn(WebDriver browser, String base) {
        browser.get(base + "/login");
        browser.findElement(By.name("user")).sendKeys("amal");
        browser.findElement(By.name("password")).sendKeys("correct horse");
        browser.findElement(By.tagName("button")).click();
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> d.findElement(By.id("stick-section"))
                .isDisplayed());
    }

    /** The room's list of stations with no result, as the page fetches it. */
    private static List<Map<?, ?>> missing(JavascriptExecutor js) {
        Object list = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/api/missing').then(r => r.json()).then(done, e => done(String(e)));");
        assertTrue(list instanceof List<?>, String.valueOf(list));
        return ((List<?>) list).stream().<Map<?, ?>>map(o -> (Map<?, ?>) o).toList();
    }

    /** The check page's verdict once it has read every code of the photo: VALID, or why not. */
    private static String verdict(WebDriver browser) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> {
                String text = d.findElement(By.id("verdict")).getText();
                return text.startsWith("VALID") || text.startsWith("NOT VALID") || text.contains("no QR code");
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            // the assertion shows what the page said
        }
        return browser.findElement(By.id("verdict")).getText();
    }

    private static void unpack(Path zip, Path stick) throws Exception {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path to = stick.resolve(e.getName()).normalize();
                assertTrue(to.startsWith(stick), e.getName());
                Files.createDirectories(to.getParent());
                Files.write(to, in.readAllBytes());
            }
        }
    }
}
