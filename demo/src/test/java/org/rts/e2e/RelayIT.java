package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
import org.rts.hub.testing.TestElection;
import org.rts.hub.web.OpsRoom;
import org.rts.hub.web.Users;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.relay.RelayParts;

/**
 * A unit out of coverage prints the slip of its result of 300 candidates (two numbered QR codes); an observer's
 * phone (headless Chromium on the hub's check page) reads the codes in any order, checks the message and sends it
 * to the commission: the hub decides it like any other and the page shows the receipt code. When the unit reaches
 * the network, its own copy is answered with the same receipt and its outbox clears.
 */
class RelayIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void a_slip_of_300_candidates_is_relayed_by_a_phone_and_the_unit_later_gets_the_same_receipt() throws Exception {
        TestElection election = TestElection.withCandidates(dir.resolve("election"), Mosquitto.SHARED_URL,
                Clock.systemUTC(), 300);
        Path unit = Units.place(election, dir.resolve("units"), 1);
        List<String> csv = new ArrayList<>(List.of("race,parliament", "registered,500", "received,500", "unused,98",
                "spoiled,2", "inBox,400", "invalid,10"));
        for (int i = 1; i <= 300; i++) {
            csv.add("c" + i + "," + (i <= 90 ? 2 : 1));
        }
        Path tally = dir.resolve("S-1.csv");
        Files.write(tally, csv);
        String offline = "tcp://127.0.0.1:" + Cli.closedPort();
        assertEquals(AgentMain.PENDING, AgentMain.run("result", "--bundle", unit.toString(), "--file",
                tally.toString(), "--broker", offline, "--wait", "1"), "no network: the result waits");
        Cli.Result slip = Cli.agent("slip", "--bundle", unit.toString(), "--pending");
        assertEquals(AgentMain.ACCEPTED, slip.code(), slip.toString());
        String jws;
        try (Outbox outbox = Outbox.open(unit.resolve("outbox.db"))) {
            jws = outbox.pending().get(0).jws();
        }
        List<String> codes = scanned(unit.resolve("slips/slip-1.png"));
        assertTrue(RelayParts.codes(jws).size() >= 2, "a result of " + jws.length() + " characters: several codes");
        assertEquals(RelayParts.codes(jws).size(), codes.size(), "a phone reads every code of the slip: " + codes);
        codes.forEach(c -> assertTrue(RelayParts.isPart(c), c.substring(0, 10)));

        Path users = dir.resolve("ops-users");
        Files.writeString(users, Users.line("amal", "correct horse".toCharArray()) + "\n");
        HubConfig config = HubConfig.of(election.files, Mosquitto.SHARED_URL, dir.resolve("hub.db"),
                "it-hub-" + UUID.randomUUID()).withOps(new OpsRoom("127.0.0.1", Mosquitto.freePort(), users));
        try (Hub hub = Hub.start(config, Clock.systemUTC())) {
            Wait.until("the hub is subscribed", Duration.ofSeconds(30), hub::isConnected);
            String base = "http://127.0.0.1:" + hub.opsPort();
            // junk and parts of a message no one completes: refused or held, nothing stored
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(400, http.send(HttpRequest.newBuilder(URI.create(base + "/relay")).POST(HttpRequest
                    .BodyPublishers.ofString("not a code")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(413, http.send(HttpRequest.newBuilder(URI.create(base + "/relay")).POST(HttpRequest
                    .BodyPublishers.ofString("x".repeat(5000))).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode());

            WebDriver browser = OpsRoomIT.chrome();
            try {
                JavascriptExecutor js = (JavascriptExecutor) browser;
                browser.get(base + "/check");
                // read in another order than printed, one of them twice
                String last = codes.get(codes.size() - 1);
                List<String> order = new ArrayList<>(List.of(last, last));
                order.addAll(codes.subList(0, codes.size() - 1));
                for (String code : order.subList(0, order.size() - 1)) {
                    js.executeScript("return window.rtsCheck(arguments[0]);", code);
                    assertTrue(browser.findElement(By.id("verdict")).getText().contains("of " + codes.size()
                            + " read"), browser.findElement(By.id("verdict")).getText());
                }
                js.executeScript("return window.rtsCheck(arguments[0]);", order.get(order.size() - 1));
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                wait.until(d -> d.findElement(By.id("verdict")).getText().startsWith("VALID"));
                browser.findElement(By.id("send")).click();
                wait.until(d -> d.findElement(By.id("sent")).getText().startsWith("The commission's hub answered"));
                String answered = browser.findElement(By.id("sent")).getText();
                var results = hub.store().results(election.id);
                assertEquals(1, results.size());
                String code = Receipt.code(results.get(0).messageHash(), Receipt.Status.ACCEPTED);
                assertEquals("The commission's hub answered: ACCEPTED, receipt code " + code, answered);
                assertEquals(300, results.get(0).votes().size());
                try (var stored = org.rts.hub.store.PhotoStore.open(dir.resolve("hub.db").toString())) {
                    assertEquals("relay", stored.ofStation(election.id, "S-1").get(0).path(), "recorded as relayed");
                }
            } finally {
                browser.quit();
            }

            // the unit reaches the network: its own copy gets the same receipt, and its outbox clears
            Cli.Result sent = Cli.agent("send", "--bundle", unit.toString(), "--broker", Mosquitto.SHARED_URL,
                    "--wait", "30");
            assertEquals(AgentMain.ACCEPTED, sent.code(), sent.toString());
            try (Outbox outbox = Outbox.open(unit.resolve("outbox.db"))) {
                assertEquals(0, outbox.pending().size());
                assertEquals(Receipt.code(hub.store().results(election.id).get(0).messageHash(),
                        Receipt.Status.ACCEPTED), outbox.recent(1).get(0).code());
            }
            assertEquals(1, hub.store().results(election.id).size(), "counted once");
        }
    }

    /** Every code zbarimg reads on the slip, as a phone reads each. */
    private static List<String> scanned(Path png) throws Exception {
        Process p = new ProcessBuilder("zbarimg", "--quiet", "--raw", png.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "zbarimg read no code in " + png);
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
