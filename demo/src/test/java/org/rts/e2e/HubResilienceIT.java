package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.AgentMain;
import org.rts.demo.RawDevice;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.protocol.Topics;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Receipt;

/**
 * The hub does not go deaf or stop on its own faults: a full disk, a connection cut right after each decision, a
 * broker killed and restarted, a unit flooding it, a registry edited on its host. Each is reproduced on a real
 * Mosquitto and every genuine message ends up answered and counted once.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HubResilienceIT {
    private static final Duration STEP = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Hub hub(ElectionFiles files, Path store, String broker) throws InterruptedException {
        return hub(config(files, store, broker));
    }

    private static HubConfig config(ElectionFiles files, Path store, String broker) {
        return HubConfig.of(files, broker, store, "it-hub-" + UUID.randomUUID())
                .withSessionExpiry(Duration.ofMinutes(3));
    }

    private Hub hub(HubConfig config) throws InterruptedException {
        Hub hub = Hub.start(config, Clock.systemUTC());
        Wait.until("the hub is subscribed", STEP, hub::isConnected);
        return hub;
    }

    private static RawDevice raw(TestElection election, String broker, int n) throws Exception {
        return new RawDevice(election.id, broker, "dev-" + n, election.files.hubCertificate());
    }

    /** Dev-1's last stored message, read from the hub's SQLite file beside the hub. */
    private static long headSeq(Path sqlite) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite);
             ResultSet rs = c.createStatement().executeQuery("SELECT seq FROM heads WHERE device = 'dev-1'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static String integrity(Path sqlite) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite);
             ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Dev-1's next {@code count} turnouts after {@code sent}, rising to the station's 500 voters. */
    private static List<CompletableFuture<Receipt>> sendTurnouts(RawDevice raw, Device dev1, int sent, int count)
            throws Exception {
        List<CompletableFuture<Receipt>> answers = new ArrayList<>();
        for (int i = sent + 1; i <= sent + count; i++) {
            answers.add(raw.sendAsync(Topics.TURNOUT, dev1.chain(dev1.sign(dev1.turnout(Math.min(500, 10 + i))))));
        }
        return answers;
    }

    @Test
    void a_hub_whose_disk_fills_and_frees_answers_every_waiting_message_and_nothing_before_it_is_stored()
            throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 8)) {
            TestElection election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE,
                    Clock.systemUTC());
            Path store = disk.dir().resolve("hub.db");
            // the same client id for the hub after it, and one unit sending far beyond a unit's burst of 30
            HubConfig config = config(election.files, store, Mosquitto.SHARED_URL).withRate(100_000, 1_000);
            Hub hub = hub(config);
            Device dev1 = election.device(1);
            List<CompletableFuture<Receipt>> answers = new ArrayList<>();
            try (RawDevice raw = raw(election, Mosquitto.SHARED_URL, 1)) {
                assertTrue(raw.send(Topics.TURNOUT, dev1.chain(dev1.sign(dev1.turnout(10))), STEP).accepted());
                disk.fill();
                // the store's files may reuse space they already hold: send until a write needs more
                while (!hub.health().storeFailing()) {
                    assertTrue(answers.size() < 2_000, answers.size() + " messages stored on a full disk");
                    List<CompletableFuture<Receipt>> group = sendTurnouts(raw, dev1, answers.size(), 25);
                    answers.addAll(group);
                    Wait.until("the hub answers or reports its store failing", STEP, () -> hub.health()
                            .storeFailing() || group.stream().allMatch(CompletableFuture::isDone));
                }
                // more than the broker's in-flight window of 20: none may be stranded behind a failed one
                answers.addAll(sendTurnouts(raw, dev1, answers.size(), 25));
                long failures = hub.health().storeFailures();
                Wait.until("the hub has tried again, and failed again", STEP,
                        () -> hub.health().storeFailures() >= failures + 3);
                // each message answered must be stored
                List<Receipt> early = answers.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join)
                        .toList();
                assertTrue(early.size() < answers.size(), "the full disk held messages back");
                assertTrue(early.stream().allMatch(Receipt::accepted), early.toString());
                long stored = headSeq(store);
                assertTrue(early.stream().allMatch(r -> r.seq() <= stored), "nothing answered unstored: " + early
                        + ", stored up to seq " + stored);
                // the hub stops while it cannot store: had it acknowledged anything, the broker would not deliver
                // it again to the next one
                hub.close();
                disk.free();
                Hub next = hub(config);
                try {
                    for (CompletableFuture<Receipt> answer : answers) {
                        assertTrue(answer.get(60, TimeUnit.SECONDS).accepted());
                    }
                    assertFalse(next.health().storeFailing());
                } finally {
                    next.close();
                }
            } finally {
                hub.close();
            }
            try (var reopened = org.rts.hub.store.MessageStore.open(store)) {
                assertEquals(1 + answers.size(), reopened.head("dev-1").seq());
            }
            assertEquals("ok", integrity(store));
        }
    }

    @Test
    void a_unit_whose_disk_fills_says_so_loses_nothing_and_goes_on_once_it_is_freed() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 4)) {
            TestElection election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE,
                    Clock.systemUTC());
            Hub hub = hub(election.files, dir.resolve("hub.db"), Mosquitto.SHARED_URL);
            try {
                Path unit = Units.place(election, disk.dir(), 1);
                assertEquals(AgentMain.ACCEPTED, Cli.agent("turnout", "--bundle", unit.toString(), "--voters", "10")
                        .code());
                disk.fill();
                Cli.Result full = Cli.agent("turnout", "--bundle", unit.toString(), "--voters", "20");
                assertEquals(AgentMain.ERROR, full.code(), full.output());
                assertTrue(full.output().toLowerCase().contains("free disk space"), full.output());
                disk.free();
                assertEquals(AgentMain.ACCEPTED, Cli.agent("turnout", "--bundle", unit.toString(), "--voters", "20")
                        .code());
                assertEquals("ok", integrity(unit.resolve("outbox.db")));
                assertEquals(2, hub.store().head("dev-1").seq());
            } finally {
                hub.close();
            }
        }
    }

    @Test
    void a_hub_cut_off_right_after_each_decision_reconnects_and_answers_every_message() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE,
                Clock.systemUTC());
        try (CuttingProxy proxy = new CuttingProxy("127.0.0.1", 1883)) {
            Hub hub = hub(election.files, dir.resolve("hub.db"), proxy.url());
            Device dev1 = election.device(1);
            try (RawDevice raw = raw(election, Mosquitto.SHARED_URL, 1)) {
                for (int i = 1; i <= 15; i++) {
                    proxy.armOnPublish("/receipt");
                    Receipt r = raw.send(Topics.TURNOUT, dev1.chain(dev1.sign(dev1.turnout(i))), STEP);
                    assertTrue(r.accepted(), "cut " + i + ": " + r);
                    assertEquals(i, proxy.cuts());
                }
                assertEquals(15, hub.store().head("dev-1").seq());
                assertEquals(15, hub.store().inboundCounts().get("ACCEPTED"));
            } finally {
                hub.close();
            }
        }
    }

    @Test
    void a_hub_keeps_receiving_when_its_broker_is_killed_and_restarted_after_decisions() throws Exception {
        try (Mosquitto broker = Mosquitto.persistent(dir.resolve("broker"))) {
            broker.start();
            TestElection election = new TestElection(dir.resolve("election"), broker.url(), Mode.LIVE,
                    Clock.systemUTC());
            Path unit = Units.place(election, dir.resolve("units"), 1);
            Hub hub = hub(election.files, dir.resolve("hub.db"), broker.url());
            try {
                for (int i = 1; i <= 5; i++) {
                    String voters = String.valueOf(10 * i);
                    CompletableFuture<Integer> officer = CompletableFuture.supplyAsync(() -> AgentMain.run(
                            "turnout", "--bundle", unit.toString(), "--voters", voters, "--wait", "120",
                            "--resend-after", "2", "--max-backoff-ms", "500"));
                    int decided = i;
                    Wait.until("the hub decided message " + i, STEP, () -> hub.store().head("dev-1").seq() == decided);
                    broker.kill();
                    broker.start();
                    assertEquals(AgentMain.ACCEPTED, officer.get(120, TimeUnit.SECONDS));
                }
                Wait.until("the hub is back on the broker", STEP, hub::isConnected);
                assertEquals(5, hub.store().head("dev-1").seq());
                assertEquals(java.util.Map.of("S-1", 50), hub.store().turnout(election.id));
            } finally {
                hub.close();
            }
        }
    }

    @Test
    void a_unit_flooding_the_hub_spends_only_its_own_allowance() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE,
                Clock.systemUTC());
        Path unit2 = Units.place(election, dir.resolve("units"), 2);
        Hub hub = hub(election.files, dir.resolve("hub.db"), Mosquitto.SHARED_URL);
        try (RawDevice flood = raw(election, Mosquitto.SHARED_URL, 1)) {
            byte[] junk = new byte[60_000];
            Arrays.fill(junk, (byte) 'x');
            for (int i = 0; i < 1000; i++) {
                junk[0] = (byte) ('a' + i % 26);
                junk[1] = (byte) ('a' + i / 26 % 26);
                flood.publish(Topics.report(election.id, "dev-1", Topics.RESULT), junk);
            }
            Path tally = dir.resolve("S-2.csv");
            Files.writeString(tally, String.join("\n", "race,parliament", "registered,480", "received,420",
                    "unused,18", "spoiled,2", "inBox,400", "invalid,10", "a,200", "b,120", "c,70"));
            assertEquals(AgentMain.ACCEPTED, Cli.agent("result", "--bundle", unit2.toString(), "--file",
                    tally.toString()).code());
            assertTrue(hub.health().rateLimitedCount() > 0, "the flood met the unit's rate limit");
            int kept = hub.store().inboundReasons("dev-1").size();
            assertTrue(kept < 1000, kept + " junk messages stored");
            assertEquals(1, hub.store().results(election.id).size());
        } finally {
            hub.close();
        }
    }

    @Test
    void a_registry_edited_on_the_hub_host_does_not_unrevoke_a_unit() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE,
                Clock.systemUTC());
        ElectionFiles host = Units.hubHost(election.files, dir.resolve("hub-host"));
        Hub hub = hub(host, dir.resolve("hub.db"), Mosquitto.SHARED_URL);
        try (RawDevice raw = raw(election, Mosquitto.SHARED_URL, 1)) {
            assertEquals(0, Cli.provisioning("revoke", "--dir", election.files.dir().toString(), "--device",
                    "dev-1").code());
            long before = hub.registryVersion();
            Units.updateRegistry(election.files, host);
            Wait.until("the hub takes the revocation", STEP, () -> hub.registryVersion() > before);
            long revokedVersion = hub.registryVersion();
            Path registry = host.registry();
            long refused = hub.registryRefusals();
            Files.writeString(registry, Files.readString(registry).replace("\"REVOKED\"", "\"ACTIVE\"")
                    .replace("\"version\" : " + revokedVersion, "\"version\" : " + (revokedVersion + 1)));
            Wait.until("the hub looked at the edited registry and refused it", STEP, () -> hub.registryRefusals() > refused);
            assertEquals(revokedVersion, hub.registryVersion(), "an edit without the authority's signature");
            Device dev1 = election.device(1);
            Receipt r = raw.send(Topics.TURNOUT, dev1.sign(dev1.turnout(10)), STEP);
            assertEquals(List.of("DEVICE_REVOKED"), r.reasons().stream().map(Finding::code).toList());
        } finally {
            hub.close();
        }
    }
}
