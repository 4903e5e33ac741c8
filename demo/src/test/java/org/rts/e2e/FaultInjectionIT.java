package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.AgentMain;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.message.Mode;

/**
 * Faults at random points while three units report through a real Mosquitto to a hub in a process of its own: units
 * and hub killed with SIGKILL, the broker killed and restarted with and without persistence, the hub's connection
 * cut right after a decision, the hub's disk and a unit's disk full for a while. Afterwards every report a unit
 * committed is accepted exactly once and every store passes SQLite's integrity check. The seed is printed (and can
 * be set with {@code -Drts.faults.seed=...}) so that a failing run can be replayed.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class FaultInjectionIT {
    private static final int UNITS = 3;
    private static final Duration FAULTS_FOR = Duration.ofSeconds(Long.getLong("rts.faults.seconds", 45));

    enum Fault { KILL_UNIT, KILL_HUB, BROKER_RESTART_PERSISTENT, BROKER_RESTART_EPHEMERAL, CUT_AFTER_DECISION,
        HUB_DISK_FULL, UNIT_DISK_FULL }

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;

    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Process> unitProcesses = new ArrayList<>();
    private Process hub;
    private Path hubLog;

    @Test
    void every_committed_report_is_accepted_exactly_once_whatever_fails() throws Exception {
        long seed = Long.getLong("rts.faults.seed", System.nanoTime());
        System.out.println("fault injection seed " + seed + " (replay with -Drts.faults.seed=" + seed + ")");
        Random random = new Random(seed);
        int port = Mosquitto.freePort();
        Path brokerDir = Files.createDirectories(dir.resolve("broker"));
        Path conf = brokerDir.resolve("mosquitto.conf");
        writeBroker(conf, port, true);
        try (Mosquitto broker = Mosquitto.configured(conf, port);
             SmallDisk hubDisk = SmallDisk.mount(dir.resolve("hub-disk"), 16);
             SmallDisk unitDisk = SmallDisk.mount(dir.resolve("unit-disk"), 4);
             CuttingProxy proxy = new CuttingProxy("127.0.0.1", port)) {
            broker.start();
            String brokerUrl = "tcp://127.0.0.1:" + port;
            TestElection election = new TestElection(dir.resolve("election"), brokerUrl, Mode.LIVE,
                    Clock.systemUTC());
            ElectionFiles host = Units.hubHost(election.files, dir.resolve("hub-host"));
            Path store = hubDisk.dir().resolve("hub.db");
            hubLog = dir.resolve("hub.log");
            startHub(host, store, proxy.url());
            List<Path> units = new ArrayList<>();
            for (int i = 1; i <= UNITS; i++) {
                units.add(Units.place(election, i == UNITS ? unitDisk.dir() : dir.resolve("units"), i));
            }
            List<Thread> drivers = new ArrayList<>();
            for (int i = 0; i < UNITS; i++) {
                Path unit = units.get(i);
                int station = i + 1;
                Thread t = new Thread(() -> drive(unit, station, new Random(seed + station)), "unit-" + station);
                t.start();
                drivers.add(t);
            }

            long end = System.nanoTime() + FAULTS_FOR.toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(1_500 + random.nextInt(2_500));
                Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
                injected.merge(fault, 1, Integer::sum);
                switch (fault) {
                    case KILL_UNIT -> killAUnit(random);
                    case KILL_HUB -> {
                        hub.destroyForcibly().waitFor();
                        Thread.sleep(random.nextInt(2_000));
                        startHub(host, store, proxy.url());
                    }
                    case BROKER_RESTART_PERSISTENT, BROKER_RESTART_EPHEMERAL -> {
                        broker.kill();
                        writeBroker(conf, port, fault == Fault.BROKER_RESTART_PERSISTENT);
                        Thread.sleep(random.nextInt(1_500));
                        broker.start();
                    }
                    case CUT_AFTER_DECISION -> proxy.armOnPublish("/receipt");
                    case HUB_DISK_FULL -> fullFor(hubDisk, random);
                    case UNIT_DISK_FULL -> fullFor(unitDisk, random);
                }
            }

            running.set(false);
            for (Thread t : drivers) {
                t.join(TimeUnit.MINUTES.toMillis(1));
            }
            hubDisk.free();
            unitDisk.free();
            if (!hub.isAlive()) {
                startHub(host, store, proxy.url());
            }
            for (int i = 0; i < UNITS; i++) {
                if (!hasResult(units.get(i))) {
                    List<String> result = resultCommand(units.get(i), i + 1);
                    result.addAll(List.of("--wait", "120", "--max-backoff-ms", "500"));
                    Cli.agent(result.toArray(String[]::new));
                }
            }
            for (Path unit : units) {
                Cli.Result last = Cli.agent("send", "--bundle", unit.toString(), "--wait", "120", "--resend-after", "2",
                        "--max-backoff-ms", "500");
                assertEquals(AgentMain.ACCEPTED, last.code(), unit + ": " + last.output());
            }
            hub.destroy();
            hub.waitFor();
            System.out.println("faults injected: " + injected + ", " + injected.values().stream()
                    .mapToInt(Integer::intValue).sum() + " in all");

            int committed = 0;
            try (MessageStore hubStore = MessageStore.open(store)) {
                for (int i = 0; i < UNITS; i++) {
                    String device = "dev-" + (i + 1);
                    List<OutboxEntry> messages;
                    try (Outbox outbox = Outbox.open(units.get(i).resolve("outbox.db"))) {
                        messages = outbox.recent(100_000).stream().filter(e -> !"SUPERSEDED".equals(e.status()))
                                .toList();
                    }
                    for (OutboxEntry e : messages) {
                        assertEquals("ACCEPTED", e.status(), device + " seq " + e.seq() + " " + e.summary());
                        assertTrue(hubStore.chainedReceipt(e.hash()).isPresent(), device + " seq " + e.seq()
                                + " is in the hub's chain");
                    }
                    committed += messages.size();
                    assertEquals(messages.get(0).seq(), hubStore.head(device).seq(), device + "'s chain heads agree");
                    assertEquals("ok", integrity(units.get(i).resolve("outbox.db")));
                }
                assertEquals(UNITS, hubStore.results(election.id).size(), "one result per station, counted once");
            }
            assertEquals("ok", integrity(store));
            System.out.println(committed + " committed reports, each accepted exactly once; every store intact");
        } finally {
            running.set(false);
            if (hub != null) {
                hub.destroyForcibly().waitFor();
            }
            synchronized (unitProcesses) {
                unitProcesses.forEach(Process::destroyForcibly);
            }
        }
    }

    /** One unit's officer: turnout every few seconds, the result once, each command a process of its own. */
    private void drive(Path unit, int station, Random random) {
        int voters = 0;
        while (running.get()) {
            voters += 1 + random.nextInt(5);
            List<String> args = new ArrayList<>(List.of("turnout", "--bundle", unit.toString(), "--voters",
                    String.valueOf(voters)));
            if (voters > 20 && !hasResult(unit)) {
                try {
                    args = resultCommand(unit, station);
                } catch (IOException e) {
                    continue; // the unit's disk may be full; the officer tries again
                }
            }
            args.addAll(List.of("--wait", "15", "--resend-after", "2", "--max-backoff-ms", "500"));
            try {
                Process p = Cli.agentProcess(unit.resolveSibling(unit.getFileName() + ".log"),
                        args.toArray(String[]::new));
                synchronized (unitProcesses) {
                    unitProcesses.add(p);
                }
                p.waitFor(60, TimeUnit.SECONDS);
                p.destroyForcibly();
                synchronized (unitProcesses) {
                    unitProcesses.remove(p);
                }
                Thread.sleep(500 + random.nextInt(2_000));
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    private static List<String> resultCommand(Path unit, int station) throws IOException {
        Path tally = unit.resolveSibling("S-" + station + ".csv");
        Files.writeString(tally, String.join("\n", "race,parliament", "registered,"
                + new int[] {500, 480, 450}[station - 1], "received,420", "unused,18", "spoiled,2", "inBox,400",
                "invalid,10", "a,200", "b,120", "c,70"));
        return new ArrayList<>(List.of("result", "--bundle", unit.toString(), "--file", tally.toString()));
    }

    /** Whether the unit committed its result (a killed or refused command may not have). */
    private static boolean hasResult(Path unit) {
        try (Outbox outbox = Outbox.open(unit.resolve("outbox.db"))) {
            return outbox.recent(100_000).stream().anyMatch(e -> e.kind().equals("result"));
        } catch (RuntimeException e) {
            return false; // a full disk: the officer tries again later
        }
    }

    private void killAUnit(Random random) {
        synchronized (unitProcesses) {
            if (!unitProcesses.isEmpty()) {
                unitProcesses.get(random.nextInt(unitProcesses.size())).destroyForcibly();
            }
        }
    }

    private static void fullFor(SmallDisk disk, Random random) {
        Thread t = new Thread(() -> {
            try {
                disk.fill();
                Thread.sleep(2_000 + random.nextInt(4_000));
                disk.free();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, "disk-full");
        t.setDaemon(true);
        t.start();
    }

    private void startHub(ElectionFiles host, Path store, String broker) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        hub = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-jar",
                System.getProperty("rts.hub.jar", "../hub/target/hub.jar"), "run", "--election",
                host.dir().toString(), "--broker", broker, "--store", store.toString(), "--client-id",
                "fault-hub-" + host.dir().getFileName(), "--session-expiry", "600", "--health-file",
                dir.resolve("hub.health.json").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(hubLog.toFile())).start();
    }

    private static void writeBroker(Path conf, int port, boolean persistent) throws IOException {
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\n"
                + (persistent ? "persistence true\npersistence_location " + conf.getParent().toAbsolutePath()
                + "/\nautosave_interval 1\n" : "persistence false\n"));
    }

    private static String integrity(Path sqlite) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite);
             ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
