package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.rts.hardware.Slip;
import org.rts.hardware.print.PngPrinter;
import org.rts.hub.export.Exporter;
import org.rts.hub.intake.Intake;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.store.ExportSnapshot;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Verification;
import org.rts.protocol.Topics;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.pki.Pem;

/**
 * The observer's check page of an export, in headless Chromium, given photos of printed slips as a phone's
 * reader would get them: a genuine slip is valid with its figures and the hub's receipt code; a slip whose QR code
 * has one figure changed, one signed by a key outside the registry and one of another election each say why not.
 */
class ObserverCheckIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void the_export_page_checks_a_slip_offline_and_says_why_a_false_one_fails() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1", Mode.LIVE);
        Device unit = election.device(1);
        byte[] accepted = unit.chain(unit.sign(unit.result(200, 120, 70)));
        byte[] neverSent = election.device(2).sign(election.device(2).result(180, 130, 80));
        try (MessageStore store = MessageStore.open(dir.resolve("hub.db"));
             ExportSnapshot snapshot = ExportSnapshot.open(dir.resolve("hub.db").toString())) {
            RegistryWatch registry = new RegistryWatch(election.files.registry(), election.files.crl(),
                    Pem.readCertificate(election.files.caCertificate()), election.id);
            Intake intake = new Intake(election.election, new Verification(new Authenticator(election.election,
                    registry::current)), store, election.receiptLog(store), TestElection.CLOCK);
            intake.process(Topics.report(election.id, unit.id, Topics.RESULT), accepted);
            new Exporter(election.files, snapshot, TestElection.CLOCK).export(dir.resolve("export"));
        }
        Path page = dir.resolve("export/check.html");
        assertTrue(Files.exists(page), "the export carries the page");

        String jws = new String(accepted, StandardCharsets.US_ASCII);
        String[] parts = jws.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertTrue(payload.contains("[200,120,70]"), payload);
        String changed = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("[200,120,70]", "[200,120,90]").getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        Device rogue = election.rogue(1);
        String foreign = new String(rogue.sign(rogue.result(200, 120, 70)), StandardCharsets.US_ASCII);
        TestElection other = new TestElection(dir.resolve("other"), "tcp://127.0.0.1:1", Mode.LIVE,
                TestElection.CLOCK, "el-other");
        String elsewhere = new String(other.device(1).sign(other.device(1).result(200, 120, 70)),
                StandardCharsets.US_ASCII);

        PngPrinter printer = new PngPrinter(dir.resolve("slips"));
        for (String qr : List.of(jws, changed, foreign, elsewhere, new String(neverSent, StandardCharsets.US_ASCII))) {
            printer.print(new Slip(List.of("Station S-1", "Parliament"), qr));
        }

        WebDriver browser = OpsRoomIT.chrome();
        try {
            browser.get(page.toUri().toString());
            String code = Receipt.code(Jws.hash(accepted), Receipt.Status.ACCEPTED);
            String valid = check(browser, 1);
            assertTrue(valid.startsWith("VALID: signed by unit dev-1 for station S-1"), valid);
            String details = browser.findElement(By.id("details")).getText();
            for (String line : List.of("Station S-1 Station one", "Race Parliament", "Alpha 200", "Beta 120",
                    "Gamma 70", "Valid votes 390", "Ballots in the box 400", "At the hub accepted, receipt code "
                            + code)) {
                assertTrue(details.contains(line), line + " in:\n" + details);
            }
            assertEquals("NOT VALID: the signature does not match: the figures or the message were changed after"
                    + " the unit signed them", check(browser, 2));
            assertEquals("NOT VALID: signed with a certificate that is not in this election's registry (it names"
                    + " unit dev-1)", check(browser, 3));
            assertEquals("NOT VALID: the message is for another election (el-other); this page checks "
                    + election.id, check(browser, 4));
            String never = check(browser, 5);
            assertTrue(never.startsWith("VALID: signed by unit dev-2 for station S-2"), never);
            assertTrue(browser.findElement(By.id("details")).getText().contains("At the hub not in this export"));
        } finally {
            browser.quit();
        }
    }

    /** Gives slip {@code n}'s picture to the page as a photo and returns its verdict. */
    private String check(WebDriver browser, int n) {
        var verdict = browser.findElement(By.id("verdict"));
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "arguments[0].textContent = ''; document.getElementById('photo').value = '';", verdict);
        browser.findElement(By.id("photo")).sendKeys(dir.resolve("slips/slip-" + n + ".png").toString());
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> {
            String text = d.findElement(By.id("verdict")).getText();
            return text.startsWith("VALID") || text.startsWith("NOT VALID");
        });
        return verdict.getText();
    }
}
