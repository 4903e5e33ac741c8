package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.AgentMain;
import org.rts.agent.outbox.Outbox;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.message.Mode;
import org.rts.protocol.stick.Stick;

/**
 * A unit that never reaches a network: its signed messages go to a USB stick, the district centre's hub takes them
 * through its intake and writes the receipts back, and the unit clears its outbox from the stick. A bad stick
 * (altered, truncated, foreign, a link, a 2 GB file, a stray file) gets a reason per file and harms nothing else.
 */
class UsbStickIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void a_unit_out_of_coverage_reports_by_stick_and_a_bad_stick_harms_nothing() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:" + Cli.closedPort(),
                Mode.LIVE, Clock.systemUTC());
        Units.ready(election, 3);
        String bundle = election.files.bundle("dev-2").dir().toString();
        Path csv = dir.resolve("S-2.csv");
        Files.writeString(csv, String.join("\n", "race,parliament", "registered,480", "received,500",
                "unused,98", "spoiled,2", "inBox,400", "invalid,10", "a,200", "b,120", "c,70"));
        assertEquals(AgentMain.PENDING, AgentMain.run("turnout", "--bundle", bundle, "--voters", "150", "--wait",
                "1"), "no network: the turnout waits in the outbox");
        assertEquals(AgentMain.PENDING, AgentMain.run("result", "--bundle", bundle, "--file", csv.toString(),
                "--wait", "1"));
        Path store = dir.resolve("hub.db");
        MessageStore.open(store.toString()).close();

        Path stick = dir.resolve("stick");
        Cli.Result exported = Cli.agent("export-outbox", "--bundle", bundle, stick.toString());
        assertEquals(AgentMain.ACCEPTED, exported.code(), exported.toString());
        assertTrue(exported.output().contains("2 message(s) waiting for the hub written to"), exported.toString());

        // what else a stick may hold
        Path unit = Stick.unitDir(stick, election.id, "dev-2");
        String result = Files.readString(unit.resolve("000002-result.jws"));
        Files.writeString(unit.resolve("000090-result.jws"), result.substring(0, result.length() / 2));
        String payload = result.split("\\.")[1];
        Files.writeString(unit.resolve("000091-result.jws"), result.replace(payload, payload.substring(0, 20)
                + (payload.charAt(20) == 'A' ? 'B' : 'A') + payload.substring(21)));
        Files.createSymbolicLink(unit.resolve("000092-result.jws"), Path.of("/etc/passwd"));
        try (RandomAccessFile huge = new RandomAccessFile(unit.resolve("000093-result.jws").toFile(), "rw")) {
            huge.setLength(2L << 30);
        }
        Files.writeString(unit.resolve("notes.txt"), "charged at 18:00");
        Path foreign = Stick.unitDir(stick, "another-election", "dev-1");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("000001-result.jws"), result);

        Cli.Result imported = Cli.hub("import", stick.toString(), "--election", election.files.dir().toString(),
                "--store", store.toString());
        String out = imported.output();
        assertEquals(1, imported.code(), "some files were not taken: " + out);
        assertTrue(out.contains("000001-turnout.jws: ACCEPTED") && out.contains("000002-result.jws: ACCEPTED"), out);
        assertTrue(out.contains("000092-result.jws: not a plain file (a link or a folder): not followed"), out);
        assertTrue(out.contains("000093-result.jws: 2147483648 bytes, larger than any message"), out);
        assertTrue(out.contains("notes.txt: not a message file"), out);
        assertTrue(out.contains("another-election: messages of another election (another-election): not imported"),
                out);
        assertTrue(out.contains("000090-result.jws: REJECTED") && out.contains("MALFORMED (not a JWS compact"), out);
        assertTrue(out.contains("000091-result.jws: REJECTED") && out.contains("SIGNATURE_INVALID"), out);
        try (MessageStore hub = MessageStore.open(store.toString())) {
            assertEquals(1, hub.results(election.id).size(), "the genuine result, once");
        }

        Cli.Result receipts = Cli.agent("import-receipts", "--bundle", bundle, stick.toString());
        assertEquals(AgentMain.ACCEPTED, receipts.code(), receipts.toString());
        assertTrue(receipts.output().contains("still wait for the hub") && receipts.output().contains(
                "0 message(s) still wait"), receipts.toString());
        try (Outbox outbox = Outbox.open(election.files.bundle("dev-2").dir().resolve("outbox.db"))) {
            assertEquals(0, outbox.pending().size());
            assertEquals("ACCEPTED", outbox.recent(5).get(0).status());
        }

        // the export says how each accepted message came, and verify-export counts them again
        Path export = dir.resolve("export");
        assertEquals(0, Cli.hub("export", "--election", election.files.dir().toString(), "--store", store.toString(),
                "--out", export.toString()).code());
        org.rts.provisioning.audit.ExportVerifier.Result verified = org.rts.provisioning.audit.ExportVerifier.verify(
                export, org.rts.provisioning.audit.CaPin.of(election.files.caCertificate()), java.util.List.of());
        assertTrue(verified.ok(), verified.problems().toString());
        assertTrue(verified.checked().contains("accepted messages by the way they came {usb=2} as the manifest says"),
                verified.checked().toString());

        // a second unit's stick, imported by an administrator in the operations room: the receipts come back as a zip
        String bundle3 = election.files.bundle("dev-3").dir().toString();
        assertEquals(AgentMain.PENDING, AgentMain.run("turnout", "--bundle", bundle3, "--voters", "90", "--wait",
                "1"));
        Path stick3 = dir.resolve("stick3");
        assertEquals(AgentMain.ACCEPTED, Cli.agent("export-outbox", "--bundle", bundle3, stick3.toString()).code());
        Path users = dir.resolve("ops-users");
        Files.writeString(users, org.rts.hub.web.Users.line("amal", org.rts.hub.web.Users.Role.ADMINISTRATOR,
                "correct horse".toCharArray()) + "\n");
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        try (org.rts.hub.Hub hub = org.rts.hub.Hub.start(org.rts.hub.HubConfig.of(election.files,
                org.rts.demo.load.Mosquitto.SHARED_URL, store, "it-hub-" + java.util.UUID.randomUUID())
                .withOps(new org.rts.hub.web.OpsRoom("127.0.0.1", org.rts.demo.load.Mosquitto.freePort(), users)),
                Clock.systemUTC())) {
            org.openqa.selenium.WebDriver browser = OpsRoomIT.chrome(downloads);
            try {
                browser.get("http://127.0.0.1:" + hub.opsPort() + "/login");
                browser.findElement(org.openqa.selenium.By.name("user")).sendKeys("amal");
                browser.findElement(org.openqa.selenium.By.name("password")).sendKeys("correct horse");
                browser.findElement(org.openqa.selenium.By.tagName("button")).click();
                var wait = new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(30));
                wait.until(d -> d.findElement(org.openqa.selenium.By.id("stick-section")).isDisplayed());
                browser.findElement(org.openqa.selenium.By.id("stick-files")).sendKeys(stick3.resolve(Stick.ROOT)
                        .toString());
                browser.findElement(org.openqa.selenium.By.id("stick-import")).click();
                wait.until(d -> d.findElement(org.openqa.selenium.By.id("stick-status")).getText()
                        .contains("receipts.zip"));
                Path zip = downloads.resolve("receipts.zip");
                Wait.until("the receipts are downloaded", java.time.Duration.ofSeconds(30), () -> Files.exists(zip));
                try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
                    for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                        Path to = stick3.resolve(e.getName()).normalize();
                        assertTrue(to.startsWith(stick3), e.getName());
                        Files.createDirectories(to.getParent());
                        Files.write(to, in.readAllBytes());
                    }
                }
            } finally {
                browser.quit();
            }
        }
        assertTrue(Files.readString(stick3.resolve(Stick.ROOT + "/import-report.txt")).contains(
                "000001-turnout.jws: ACCEPTED"));
        Cli.Result receipts3 = Cli.agent("import-receipts", "--bundle", bundle3, stick3.toString());
        assertEquals(AgentMain.ACCEPTED, receipts3.code(), receipts3.toString());
        try (Outbox outbox = Outbox.open(election.files.bundle("dev-3").dir().resolve("outbox.db"))) {
            assertEquals(0, outbox.pending().size(), "cleared from the receipts the room gave back");
        }

        // the same stick again (brought back twice): the same answers, nothing counted twice
        Cli.Result again = Cli.hub("import", stick.toString(), "--election", election.files.dir().toString(),
                "--store", store.toString());
        assertTrue(again.output().contains("000002-result.jws: ACCEPTED"), again.toString());
        try (MessageStore hub = MessageStore.open(store.toString())) {
            assertEquals(1, hub.results(election.id).size());
        }
    }
}
