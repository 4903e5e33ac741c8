package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.AgentMain;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.demo.RawDevice;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.Variants;
import org.rts.protocol.Topics;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Receipt;

/**
 * A unit is never silenced by its own chain: each situation that stranded a unit before is reproduced against the
 * Mosquitto on 127.0.0.1:1883, and the unit's next report is accepted, nothing lost and nothing counted twice.
 * The hub runs on a hub host folder the technician updates by hand, as in the field.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChainRecoveryIT {
    private static final Duration STEP = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private TestElection election;
    private ElectionFiles hubHost;
    private Hub hub;

    @BeforeEach
    void setUp() throws Exception {
        election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE, Clock.systemUTC());
        hubHost = Units.hubHost(election.files, dir.resolve("hub-host"));
        hub = Hub.start(HubConfig.of(hubHost, Mosquitto.SHARED_URL, dir.resolve("hub.db"),
                "it-hub-" + UUID.randomUUID()).withSessionExpiry(Duration.ofMinutes(2)), Clock.systemUTC());
        Wait.until("the hub is subscribed", STEP, hub::isConnected);
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private Path tally(int station, int registered) throws Exception {
        Path csv = dir.resolve("S-" + station + ".csv");
        Files.writeString(csv, String.join("\n", "race,parliament", "registered," + registered, "received,420",
                "unused,18", "spoiled,2", "inBox,400", "invalid,10", "a,200", "b,120", "c,70"));
        return csv;
    }

    /** Runs an agent command for the unit in {@code unit}. */
    private static Cli.Result agent(Path unit, String command, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(command, "--bundle", unit.toString()));
        args.addAll(List.of(more));
        return Cli.agent(args.toArray(String[]::new));
    }

    @Test
    void a_unit_moved_to_another_station_before_the_hub_knows_is_held_then_accepted_with_that_stations_figures()
            throws Exception {
        Path unit = Units.place(election, dir.resolve("units"), 2);
        assertEquals(AgentMain.ACCEPTED, agent(unit, "turnout", "--voters", "300").code());

        // S-3's unit is lost; dev-2 moves there. The technician forgets the hub host for now.
        assertEquals(0, Cli.provisioning("revoke", "--dir", election.files.dir().toString(), "--device", "dev-3")
                .code());
        Cli.Result reassign = Cli.provisioning("reassign", "--dir", election.files.dir().toString(), "--device",
                "dev-2", "--station", "S-3");
        assertEquals(0, reassign.code(), reassign.output());
        assertTrue(reassign.output().contains("registry.json.sig") && reassign.output().contains("crl.pem")
                && reassign.output().contains("device-agent import"), reassign.output());
        assertEquals(0, agent(unit, "import", "--from", election.files.bundle("dev-2").dir().toString()).code());

        Cli.Result held = agent(unit, "turnout", "--voters", "150");
        assertEquals(AgentMain.HELD, held.code(), held.output());
        assertTrue(held.output().contains("does not know this unit's certificate"), held.output());
        assertTrue(agent(unit, "status").output().contains("HELD"));

        long stale = hub.registryVersion();
        Units.updateRegistry(election.files, hubHost);
        Wait.until("the hub reloads its registry", STEP, () -> hub.registryVersion() > stale);
        Cli.Result sent = Cli.agent("send", "--bundle", unit.toString(), "--wait", "60", "--resend-after", "1");
        assertEquals(AgentMain.ACCEPTED, sent.code(), sent.output());
        assertEquals(AgentMain.ACCEPTED, agent(unit, "result", "--file", tally(3, 450).toString()).code());

        assertEquals(3, hub.store().head("dev-2").seq(), "300 at S-2, then 150 and the result at S-3");
        assertEquals(Map.of("S-2", 300, "S-3", 150), hub.store().turnout(election.id));
        assertEquals(List.of("S-3"), hub.store().results(election.id).stream().map(r -> r.station()).toList());
    }

    @Test
    void a_unit_whose_outbox_was_lost_restarts_its_chain_visibly_and_goes_on() throws Exception {
        Path unit = Units.place(election, dir.resolve("units"), 1);
        assertEquals(AgentMain.ACCEPTED, agent(unit, "turnout", "--voters", "100").code());
        assertEquals(AgentMain.ACCEPTED, agent(unit, "result", "--file", tally(1, 500).toString()).code());

        Path outbox = unit.resolve("outbox.db");
        Files.write(outbox, new byte[0]);
        Files.deleteIfExists(unit.resolve("outbox.db-wal"));
        Files.deleteIfExists(unit.resolve("outbox.db-shm"));
        Cli.Result refused = agent(unit, "turnout", "--voters", "200");
        assertEquals(AgentMain.ERROR, refused.code());
        assertTrue(refused.output().contains(outbox.toString()) && refused.output().contains("device-agent recover"),
                refused.output());

        Cli.Result recovered = agent(unit, "recover");
        assertEquals(AgentMain.ACCEPTED, recovered.code(), recovered.output());
        assertTrue(recovered.output().contains("CHAIN_RESTART"), recovered.output());
        try (var aside = Files.list(unit)) {
            assertTrue(aside.anyMatch(p -> p.getFileName().toString().startsWith("outbox.db.lost-")));
        }
        assertEquals(AgentMain.ACCEPTED, agent(unit, "turnout", "--voters", "200").code());

        assertEquals(4, hub.store().head("dev-1").seq(), "turnout, result, the restart, turnout");
        assertEquals(1, hub.store().restarts(election.id).size());
        assertEquals(1, hub.store().results(election.id).size());
        assertEquals(Map.of("S-1", 200), hub.store().turnout(election.id));
    }

    @Test
    void copies_and_twins_of_a_message_never_take_its_place_nor_speak_for_it() throws Exception {
        Path unit = Units.place(election, dir.resolve("units"), 1);
        Cli.Result pending = agent(unit, "turnout", "--voters", "50", "--broker",
                "tcp://127.0.0.1:" + Cli.closedPort(), "--wait", "1");
        assertEquals(AgentMain.PENDING, pending.code());
        assertTrue(pending.output().contains("safe in the outbox") && pending.output().contains("device-agent send"),
                pending.output());
        byte[] genuine;
        try (Outbox outbox = Outbox.open(unit.resolve("outbox.db"))) {
            genuine = outbox.pending().get(0).jws().getBytes(StandardCharsets.US_ASCII);
        }
        try (RawDevice raw = new RawDevice(election.id, Mosquitto.SHARED_URL, "dev-1",
                election.files.hubCertificate());
             RawDevice other = new RawDevice(election.id, Mosquitto.SHARED_URL, "dev-2",
                     election.files.hubCertificate())) {
            assertEquals(List.of("MALFORMED"), codes(raw.send(Topics.TURNOUT, Variants.highS(genuine), STEP)));
            assertEquals(List.of("MALFORMED"), codes(raw.send(Topics.TURNOUT, Variants.spareBits(genuine), STEP)));
            Receipt elsewhere = raw.send(Topics.RESULT, genuine, STEP);
            assertEquals(List.of("TOPIC_MISMATCH"), codes(elsewhere));
            assertEquals(List.of("DEVICE_MISMATCH"), codes(other.send(Topics.TURNOUT, genuine, STEP)));
            // an exact copy placed ahead of the unit is the unit's own message: it takes seq 1 for it
            assertTrue(raw.send(Topics.TURNOUT, genuine, STEP).accepted());
        }
        Cli.Result sent = agent(unit, "send", "--resend-after", "600");
        assertEquals(AgentMain.ACCEPTED, sent.code(), sent.output());
        try (Outbox outbox = Outbox.open(unit.resolve("outbox.db"))) {
            OutboxEntry entry = outbox.recent(1).get(0);
            assertEquals("ACCEPTED", entry.status());
            assertEquals(1, entry.seq());
        }
        assertEquals(1, hub.store().head("dev-1").seq());
        assertEquals(Map.of("ACCEPTED", 1, "REJECTED", 4), hub.store().inboundCounts());
        assertEquals(Map.of("S-1", 50), hub.store().turnout(election.id));
    }

    @Test
    void a_report_dated_far_ahead_of_the_hub_is_rejected_and_the_unit_goes_on() throws Exception {
        Path unit = Units.place(election, dir.resolve("units"), 1);
        Cli.Result future = agent(unit, "turnout", "--voters", "50", "--at",
                Instant.now().plus(Duration.ofDays(300)).toString());
        assertEquals(AgentMain.REJECTED, future.code(), future.output());
        assertTrue(future.output().contains("TIME_IN_FUTURE"), future.output());
        assertEquals(AgentMain.ACCEPTED, agent(unit, "turnout", "--voters", "60").code());
    }

    @Test
    void one_process_per_unit_and_no_report_waiting_is_signed_twice() throws Exception {
        Path unit = Units.place(election, dir.resolve("units"), 1);
        String closed = "tcp://127.0.0.1:" + Cli.closedPort();
        assertEquals(AgentMain.PENDING, agent(unit, "turnout", "--voters", "50", "--broker", closed, "--wait", "1")
                .code());
        Cli.Result twice = agent(unit, "turnout", "--voters", "50", "--broker", closed, "--wait", "1");
        assertEquals(AgentMain.REFUSED, twice.code());
        assertTrue(twice.output().contains("message 1") && twice.output().contains("already waiting"),
                twice.output());

        Process first = Cli.agentProcess("send", "--bundle", unit.toString(), "--broker", closed, "--wait", "120");
        try {
            Wait.until("the first agent holds the unit", STEP, () -> lockHolder(unit).contains("pid " + first.pid()));
            Cli.Result second = agent(unit, "send");
            assertEquals(AgentMain.ERROR, second.code());
            assertTrue(second.output().contains("another device-agent is working with this unit")
                    && second.output().contains("pid " + first.pid()), second.output());
        } finally {
            first.destroyForcibly().waitFor();
        }
        assertEquals(AgentMain.ACCEPTED, agent(unit, "send").code());
        assertEquals(1, hub.store().head("dev-1").seq());
    }

    private static String lockHolder(Path unit) {
        try {
            return Files.exists(unit.resolve("agent.lock")) ? Files.readString(unit.resolve("agent.lock")) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static List<String> codes(Receipt r) {
        return r.reasons().stream().map(Finding::code).toList();
    }
}
