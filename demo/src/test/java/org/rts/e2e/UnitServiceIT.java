package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.intake.AcceptedResult;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.files.DeviceConfig;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Receipt;
import org.rts.provisioning.election.ElectionAuthority;

/**
 * {@code device-agent run} on the simulated profile, in a real terminal (tmux), against the hub on the real
 * Mosquitto: keys typed as an officer would, the screen read back. A whole result in English, a turnout in Arabic.
 */
class UnitServiceIT {
    private static final Pattern CODE = Pattern.compile("\\b([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})\\b");

    @TempDir
    Path dir;

    private TestElection election;
    private Hub hub;
    private final List<Terminal> terminals = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE, Clock.systemUTC());
        hub = Hub.start(HubConfig.of(election.files, Mosquitto.SHARED_URL, dir.resolve("hub.db"),
                "it-hub-" + UUID.randomUUID()).withSessionExpiry(Duration.ofMinutes(3)), Clock.systemUTC());
        Wait.until("the hub is subscribed", Duration.ofSeconds(30), hub::isConnected);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Terminal t : terminals) {
            t.close();
        }
        hub.close();
    }

    /** Sets the unit's language in its signed configuration, as provisioning does per unit. */
    private void language(int n, String language) {
        var bundle = election.files.bundle("dev-" + n);
        DeviceConfig c = JsonFiles.read(bundle.config(), DeviceConfig.class, "device configuration");
        ElectionAuthority.load(election.files, Clock.systemUTC()).write(bundle.config(), new DeviceConfig(c.device(),
                c.election(), c.station(), c.brokerUrl(), "simulated", language), true);
    }

    /** Starts the unit's service in a terminal of its own. */
    private Terminal start(int n) throws Exception {
        Path unit = Units.place(election, dir.resolve("units"), n);
        Terminal t = Terminal.agent(unit, Mosquitto.SHARED_URL, dir.resolve("unit-" + n + ".log"));
        terminals.add(t);
        return t;
    }

    @Test
    @Timeout(180)
    void an_officer_types_a_whole_result_transmits_it_and_reads_the_receipt_code_off_the_screen() throws Exception {
        language(1, "en");
        Terminal unit = start(1);
        unit.await("Station S-1");
        unit.type("dn");                        // down to the result, open it
        unit.await("Registered voters");
        unit.type("n");                         // registered: 500 from the ballot definition
        unit.type("600n198n2n400n10n");         // received, unused, spoiled, in box, invalid
        unit.type("200n120n70n");               // Alpha, Beta, Gamma
        unit.await("Check against the paper form");
        unit.type("d");
        unit.await("Ballots spoiled: 2");
        unit.type("d");                         // the review, screen by screen
        unit.await("Ballots in the box: 400");
        unit.type("tc");                        // transmit, confirm
        String shown = unit.await("ACCEPTED by the hub");
        Matcher code = CODE.matcher(shown);
        assertTrue(code.find(), shown);
        List<AcceptedResult> results = hub.store().results(election.id);
        assertEquals(1, results.size());
        assertEquals(Receipt.code(results.get(0).messageHash(), Receipt.Status.ACCEPTED), code.group(1),
                "the code on the screen is the hub's");
        assertEquals(List.of(200, 120, 70), results.get(0).votes());
        // the simulated printer's slip: its QR code, read as a phone reads it, is the message the hub accepted
        Path slip = dir.resolve("units/dev-1/slips/slip-1.png");
        Wait.until("the slip is printed", Duration.ofSeconds(10), () -> java.nio.file.Files.exists(slip));
        Process zbar = new ProcessBuilder("zbarimg", "--quiet", "--raw", "-Sbinary", slip.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String scanned = new String(zbar.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                .strip();
        assertEquals(0, zbar.waitFor(), "zbarimg read no code in " + slip);
        assertEquals(results.get(0).messageHash(), org.rts.protocol.jws.Jws.hash(scanned.getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)));
        assertTrue(shown.contains("Copy the code. TRANSMIT: slip"), shown);
        // while the service runs, a second run or a one-shot command on the same unit is refused, naming it
        Path bundle = dir.resolve("units").resolve("dev-1");
        for (String[] other : new String[][] {{"run", "--bundle", bundle.toString()},
            {"turnout", "--bundle", bundle.toString(), "--voters", "5"}}) {
            Cli.Result second = Cli.agent(other);
            assertEquals(org.rts.agent.AgentMain.ERROR, second.code(), second.output());
            assertTrue(second.output().contains("another device-agent is working with this unit")
                    && second.output().contains("'run'"), second.output());
        }
        assertEquals(1, hub.store().results(election.id).size(), "nothing changed");
    }

    @Test
    @Timeout(180)
    void a_result_sent_by_command_prints_its_slip_and_slip_prints_more_copies() throws Exception {
        Path unit = Units.place(election, dir.resolve("units"), 2);
        Path tally = dir.resolve("S-2.csv");
        java.nio.file.Files.writeString(tally, String.join("\n", "race,parliament", "registered,480",
                "received,420", "unused,18", "spoiled,2", "inBox,400", "invalid,10", "a,200", "b,120", "c,70"));
        Cli.Result sent = Cli.agent("result", "--bundle", unit.toString(), "--file", tally.toString());
        assertEquals(org.rts.agent.AgentMain.ACCEPTED, sent.code(), sent.output());
        assertTrue(sent.output().contains("Slip printed: result message 1, receipt "), sent.output());
        assertTrue(java.nio.file.Files.exists(unit.resolve("slips/slip-1.png")));

        Cli.Result copies = Cli.agent("slip", "--bundle", unit.toString(), "--copies", "2");
        assertEquals(org.rts.agent.AgentMain.ACCEPTED, copies.code(), copies.output());
        assertTrue(java.nio.file.Files.exists(unit.resolve("slips/slip-3.png")), "two more copies");
        Cli.Result turnout = Cli.agent("turnout", "--bundle", unit.toString(), "--voters", "50");
        assertEquals(org.rts.agent.AgentMain.ACCEPTED, turnout.code(), turnout.output());
        Cli.Result notAResult = Cli.agent("slip", "--bundle", unit.toString(), "--seq", "2");
        assertEquals(org.rts.agent.AgentMain.ERROR, notAResult.code());
        assertTrue(notAResult.output().contains("message 2 is not a result the hub accepted"), notAResult.output());
        assertEquals(3, java.nio.file.Files.list(unit.resolve("slips")).count(), "a turnout prints no slip");
    }

    @Test
    @Timeout(180)
    void the_same_in_arabic() throws Exception {
        Terminal unit = start(2); // Arabic is the default
        unit.await("المحطة S-2");
        unit.type("n42n");
        unit.await("قارن مع المحضر الورقي");
        unit.type("t");
        unit.await("هل ترسل هذا التقرير؟");
        unit.type("c");
        String shown = unit.await("قُبل في المركز");
        assertTrue(shown.contains("رمز الإيصال:"), shown);
        Matcher code = CODE.matcher(shown);
        assertTrue(code.find(), shown);
        assertEquals(42, hub.store().turnout(election.id).get("S-2"));
    }
}
