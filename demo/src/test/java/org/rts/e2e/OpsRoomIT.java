package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rts.demo.RawDevice;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.hub.units.Alerts;
import org.rts.hub.web.OpsRoom;
import org.rts.hub.web.Users;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Photo;
import org.rts.protocol.message.PhotoPiece;
import org.rts.protocol.message.Presence;

/**
 * The operations room in real headless Chromium: after signing in, a unit going offline and a turnout figure
 * changing show without a reload; in Arabic the page is right to left; a screenshot is kept.
 */
class OpsRoomIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void the_page_follows_the_units_live_recovers_when_the_hub_restarts_and_speaks_arabic_right_to_left()
            throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE,
                Clock.systemUTC());
        Path users = dir.resolve("ops-users");
        Files.writeString(users, Users.line("amal", "correct horse".toCharArray()) + "\n");
        int opsPort = Mosquitto.freePort();
        HubConfig config = HubConfig.of(election.files, Mosquitto.SHARED_URL, dir.resolve("hub.db"),
                "it-hub-" + UUID.randomUUID()).withSessionExpiry(Duration.ofMinutes(3))
                .withOps(new OpsRoom("127.0.0.1", opsPort, users));
        Hub hub = Hub.start(config, Clock.systemUTC());
        Path unit = Units.place(election, dir.resolve("units"), 1);
        Process agent = null;
        WebDriver browser = null;
        try {
            Wait.until("the hub is subscribed", Duration.ofSeconds(30), hub::isConnected);
            agent = Cli.agentProcess(dir.resolve("unit.log"), "run", "--bundle", unit.toString(), "--broker",
                    Mosquitto.SHARED_URL, "--telemetry-seconds", "5");
            browser = chrome();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            String base = "http://127.0.0.1:" + hub.opsPort();
            browser.get(base + "/");
            assertTrue(browser.getCurrentUrl().endsWith("/login"), "nothing but the login: " + browser.getCurrentUrl());
            browser.findElement(By.name("user")).sendKeys("amal");
            browser.findElement(By.name("password")).sendKeys("correct horse");
            browser.findElement(By.tagName("button")).click();
            wait.until(d -> d.findElements(By.cssSelector("#units tr[data-device='dev-1'] td.ONLINE")).size() == 1);

            // a turnout from another unit changes the figures without a reload
            Object marker = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "window.__noReload = true; return true;");
            assertEquals(Boolean.TRUE, marker);
            Device dev2 = election.device(2);
            try (RawDevice raw = new RawDevice(election.id, Mosquitto.SHARED_URL, "dev-2",
                    election.files.hubCertificate())) {
                assertTrue(raw.send(Topics.TURNOUT, dev2.chain(dev2.sign(dev2.turnout(123))), Duration.ofSeconds(30))
                        .accepted());
                // its result, bound to the photo of its form, then the photo and the unit's presence
                java.io.ByteArrayOutputStream form = new java.io.ByteArrayOutputStream();
                javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(160, 120,
                        java.awt.image.BufferedImage.TYPE_INT_RGB), "jpg", form);
                byte[] jpeg = form.toByteArray();
                Photo photo = Photo.of(jpeg);
                assertTrue(raw.send(Topics.RESULT, dev2.chain(dev2.sign(dev2.result("parliament", 480,
                        List.of(200, 120, 70)).withPhoto(photo))), Duration.ofSeconds(30)).accepted());
                raw.publish(Topics.report(election.id, "dev-2", Topics.PHOTO), PhotoPiece.of(photo.sha256(), jpeg, 0)
                        .encode());
                raw.publish(Topics.report(election.id, "dev-2", Topics.PRESENCE), dev2.signRaw(MessageCodec.encode(
                        new Presence(1, election.id, Mode.LIVE, "dev-2", "S-2", 1, java.time.Instant.now(),
                                Presence.State.ONLINE))));
            }
            wait.until(d -> d.findElement(By.id("regions")).getText().contains("123"));
            // the unit's panel shows its station's result as signed, beside the photo of its form
            wait.until(d -> d.findElements(By.cssSelector("#units tr[data-device='dev-2']")).size() == 1);
            click(wait, "#units tr[data-device='dev-2']");
            wait.until(d -> d.findElements(By.cssSelector("#station-results img.form-photo")).size() == 1
                    && Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                    "const i = document.querySelector('#station-results img.form-photo');"
                            + " return i.complete && i.naturalWidth === 160;")));
            wait.until(d -> d.findElement(By.id("station-results")).getText().contains("200, 120, 70"));

            // the unit dies: its will makes it lost, shown without a reload
            agent.destroyForcibly();
            agent.waitFor(10, TimeUnit.SECONDS);
            wait.until(d -> d.findElements(By.cssSelector("#units tr[data-device='dev-1'] td.LOST")).size() == 1);
            assertEquals(Boolean.TRUE, ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "return window.__noReload === true;"), "the page was never reloaded");

            // the hub restarts: the page reconnects by itself, still signed in, and goes on following the units
            hub.close();
            hub = Hub.start(config, Clock.systemUTC());
            Hub restarted = hub;
            Wait.until("the hub is subscribed again", Duration.ofSeconds(30), restarted::isConnected);
            agent = Cli.agentProcess(dir.resolve("unit.log"), "run", "--bundle", unit.toString(), "--broker",
                    Mosquitto.SHARED_URL, "--telemetry-seconds", "5");
            wait.until(d -> d.findElements(By.cssSelector("#units tr[data-device='dev-1'] td.ONLINE")).size() == 1);
            assertTrue(browser.getCurrentUrl().endsWith(":" + opsPort + "/"), browser.getCurrentUrl());
            assertEquals(Boolean.TRUE, ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "return window.__noReload === true;"), "recovered without a reload or a new sign-in");

            browser.findElement(By.id("lang")).click();
            assertEquals("rtl", browser.findElement(By.tagName("html")).getAttribute("dir"));
            assertEquals("غرفة العمليات", browser.findElement(By.tagName("h1")).getText());
            wait.until(d -> d.findElement(By.id("units")).getText().contains("متصل"));
            browser.findElement(By.id("lang")).click();
            assertEquals("ltr", browser.findElement(By.tagName("html")).getAttribute("dir"));
            assertEquals("Salle des opérations", browser.findElement(By.tagName("h1")).getText());
            wait.until(d -> d.findElement(By.id("units")).getText().contains("en ligne"));
            assertEquals(Boolean.TRUE, ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "const k = (l) => Object.keys(WORDS[l]).sort().join();"
                            + " return k('en') === k('ar') && k('en') === k('fr');"),
                    "English, Arabic and French name the same things");
            Path shot = Path.of("target", "ops-room.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            assertTrue(Files.size(shot) > 1000);
        } finally {
            if (browser != null) {
                browser.quit();
            }
            if (agent != null) {
                agent.destroyForcibly();
            }
            hub.close();
        }
    }

    /**
     * A unit lost: its alert opens, no one acknowledges it and it escalates; a viewer sees it and cannot act; an
     * operator acknowledges it and adds a note, and the hub keeps who did what.
     */
    @Test
    @Timeout(180)
    void an_escalated_alert_is_acknowledged_by_an_operator_and_a_viewer_only_looks() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE,
                Clock.systemUTC());
        Path users = dir.resolve("ops-users");
        Files.writeString(users, Users.line("amal", Users.Role.ADMINISTRATOR, "correct horse".toCharArray()) + "\n"
                + Users.line("vera", Users.Role.VIEWER, "look but no touch".toCharArray()) + "\n");
        Hub hub = Hub.start(HubConfig.of(election.files, Mosquitto.SHARED_URL, dir.resolve("hub.db"),
                "it-hub-" + UUID.randomUUID()).withSessionExpiry(Duration.ofMinutes(3))
                .withAlerts(Alerts.Settings.DEFAULT.with(java.util.Map.of("downFor", 1L, "escalateAfter", 2L)))
                .withOps(new OpsRoom("127.0.0.1", Mosquitto.freePort(), users))
                .withReports(new org.rts.hub.units.ReportSchedule(dir.resolve("reports"), Duration.ofHours(24))),
                Clock.systemUTC());
        WebDriver browser = null;
        try {
            Wait.until("the hub is subscribed", Duration.ofSeconds(30), hub::isConnected);
            Device dev2 = election.device(2);
            try (RawDevice raw = new RawDevice(election.id, Mosquitto.SHARED_URL, "dev-2",
                    election.files.hubCertificate())) {
                for (Presence.State state : List.of(Presence.State.ONLINE, Presence.State.LOST)) {
                    raw.publish(Topics.report(election.id, "dev-2", Topics.PRESENCE), dev2.signRaw(
                            MessageCodec.encode(new Presence(1, election.id, Mode.LIVE, "dev-2", "S-2", 1,
                                    java.time.Instant.now(), state))));
                }
            }
            browser = chrome();
            // the page draws its tables again with every snapshot: an element found may be gone a moment later
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
            signIn(browser, "http://127.0.0.1:" + hub.opsPort(), "vera", "look but no touch");
            By escalated = By.cssSelector("#alerts tr.escalated[data-alert='UNIT_DOWN|dev-2']");
            wait.until(d -> d.findElements(escalated).size() == 1);
            wait.until(d -> d.findElement(escalated).getText().contains("ESCALATED"));
            assertEquals(List.of(), browser.findElements(By.cssSelector("#alerts button")), "a viewer has no buttons");

            browser.findElement(By.cssSelector("header form button")).click(); // sign out
            signIn(browser, "http://127.0.0.1:" + hub.opsPort(), "amal", "correct horse");
            wait.until(d -> d.findElements(By.cssSelector("#alerts tr[data-alert='UNIT_DOWN|dev-2'] button.ack"))
                    .size() == 1);
            click(wait, "#alerts tr[data-alert='UNIT_DOWN|dev-2'] button.ack");
            wait.until(d -> d.findElement(By.cssSelector("#alerts tr[data-alert='UNIT_DOWN|dev-2']")).getText()
                    .contains("acknowledged by amal"));
            click(wait, "#alerts tr[data-alert='UNIT_DOWN|dev-2'] button.note");
            browser.switchTo().alert().sendKeys("unit taken to the district office");
            browser.switchTo().alert().accept();
            wait.until(d -> d.findElement(By.cssSelector("#alerts tr[data-alert='UNIT_DOWN|dev-2']")).getText()
                    .contains("unit taken to the district office"));
            assertEquals(List.of(), browser.findElements(escalated), "acknowledged: no longer shown escalated");
            var handled = hub.openAlerts().stream().filter(a -> a.subject().equals("dev-2")).findFirst()
                    .orElseThrow();
            try (var store = org.rts.hub.store.UnitStore.open(dir.resolve("hub.db").toString())) {
                assertEquals(List.of("ESCALATED by hub", "ACK by amal", "NOTE by amal"), store.actions().stream()
                        .filter(a -> a.subject().equals(handled.subject())).map(a -> a.action() + " by " + a.user())
                        .toList());
            }
            // the hand-count audit: the administrator enters the public seed, then a hand count
            assertEquals(List.of(), browser.findElements(By.cssSelector("#audit tbody tr")));
            browser.findElement(By.cssSelector("#audit-select input[name=seed]")).sendKeys("6 1 4 4 2 5");
            WebElement count = browser.findElement(By.cssSelector("#audit-select input[name=count]"));
            count.clear();
            count.sendKeys("1");
            click(wait, "#audit-select button");
            wait.until(d -> d.findElements(By.cssSelector("#audit tbody tr")).size() == 1);
            String station = org.rts.protocol.audit.AuditSelection.select(election.election, "6 1 4 4 2 5", 1, false)
                    .get(0).station();
            assertEquals(station, browser.findElement(By.cssSelector("#audit tbody tr")).getAttribute("data-station"));
            browser.findElement(By.cssSelector("#audit-count input[name=race]")).sendKeys("parliament");
            browser.findElement(By.cssSelector("#audit-count input[name=inBox]")).sendKeys("400");
            browser.findElement(By.cssSelector("#audit-count input[name=invalid]")).sendKeys("10");
            browser.findElement(By.cssSelector("#audit-count input[name=votes]")).sendKeys("200, 120, 70");
            click(wait, "#audit-count button");
            wait.until(d -> d.findElement(By.id("audit")).getText().contains("awaiting result"));
            assertTrue(browser.findElement(By.id("audit-select")).getAttribute("hidden") != null, "selected once");

            // the printable readiness report, from the page, and the one the hub wrote by itself at its start
            assertEquals("200 application/pdf %PDF-", ((org.openqa.selenium.JavascriptExecutor) browser)
                    .executeAsyncScript("const done = arguments[arguments.length - 1];"
                            + " fetch('/api/readiness.pdf').then(async (r) => done(r.status + ' '"
                            + " + r.headers.get('Content-Type') + ' ' + (await r.text()).substring(0, 5)));"));
            Wait.until("the scheduled report is written", Duration.ofSeconds(30), () -> {
                try (var files = Files.list(dir.resolve("reports"))) {
                    return files.filter(f -> f.getFileName().toString().matches("readiness-.*\\.(pdf|csv)")).count()
                            == 2;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            Path shot = Path.of("target", "ops-room-alerts.png");
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } finally {
            if (browser != null) {
                browser.quit();
            }
            hub.close();
        }
    }

    /** Clicks what {@code css} finds, again if the page drew it anew in between. */
    private static void click(WebDriverWait wait, String css) {
        wait.until(d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    private static void signIn(WebDriver browser, String base, String user, String password) {
        browser.get(base + "/login");
        browser.findElement(By.name("user")).sendKeys(user);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.tagName("button")).click();
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> d.getCurrentUrl().endsWith("/"));
    }

    @Test
    @Timeout(120)
    void markup_and_bidi_controls_in_a_name_show_as_text() throws Exception {
        Path page = dir.resolve("page.html");
        String html = new String(OpsRoom.class.getResourceAsStream("/org/rts/hub/web/ops.html").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        String script = new String(OpsRoom.class.getResourceAsStream("/org/rts/hub/web/ops.js").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        // the page's own script, without its connection to a hub, inside a page opened from a file
        Files.writeString(page, html.replace("<script src=\"/ops.js\"></script>", "<script>"
                + script.replace("listen();", "") + "</script>"));
        WebDriver browser = chrome();
        try {
            browser.get(page.toUri().toString());
            String hostile = "<img src=x onerror=window.__pwned=1>\u202Eevil";
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "data = {units: [{device: 'dev-9', station: arguments[0], state: 'ONLINE', lastSeen: null,"
                            + " telemetry: null, flags: []}], alerts: [], tally: null}; render();", hostile);
            String shown = browser.findElement(By.cssSelector("#units tbody tr")).getText();
            assertTrue(shown.contains("<img src=x onerror=window.__pwned=1>[U+202E]evil"), shown);
            assertFalse(Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "return window.__pwned === 1;")), "no markup ran");
            assertEquals(List.of(), browser.findElements(By.cssSelector("#units img")));
        } finally {
            browser.quit();
        }
    }

    /** Headless Chromium from Debian's packages, driven by its own chromedriver. */
    static WebDriver chrome() {
        return chrome(null);
    }

    /** The same, saving what the page downloads in {@code downloads} (null: the default). */
    static WebDriver chrome(Path downloads) {
        ChromeOptions options = new ChromeOptions();
        if (downloads != null) {
            options.setExperimentalOption("prefs", java.util.Map.of("download.default_directory",
                    downloads.toAbsolutePath().toString(), "download.prompt_for_download", false));
        }
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--allow-file-access-from-files");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).build();
        return new ChromeDriver(service, options);
    }
}
