package org.rts.demo.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.demo.load.Fleet.Message;
import org.rts.hub.health.HealthReport;
import org.rts.hub.receipt.ReceiptIssuer;
import org.rts.hub.store.MessageStore;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.message.Finding;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The close-of-polls benchmark: provisions N units, pre-signs their reports, starts its own Mosquitto and the hub
 * jar in JVMs of their own, and prints what the hub sustains beside what the machine can do at all: a plain
 * subscriber's pass-through rate through the same broker, and the in-process signature verify and sign rates.
 * Everything runs on this machine's cores, the load generator and the broker included.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the hub under a close-of-polls burst through a real Mosquitto.")
public final class Bench implements Callable<Integer> {
    @Option(names = "--units", defaultValue = "200", description = "Units (default: ${DEFAULT-VALUE}).")
    int units;

    @Option(names = "--messages", defaultValue = "40000", description = "Messages in the burst (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--hubs", defaultValue = "1", description = "Hub processes; more than one share the work"
            + " through a shared subscription and PostgreSQL (default: ${DEFAULT-VALUE}).")
    int hubs;

    @Option(names = "--store", description = "sqlite or postgres (default: sqlite for one hub, postgres for more).")
    String store;

    @Option(names = "--postgres", defaultValue = "jdbc:postgresql://127.0.0.1:5432/rts?user=rts&password=rts",
            description = "PostgreSQL server; the benchmark uses a schema of its own and drops it (default: ${DEFAULT-VALUE}).")
    String postgres;

    @Option(names = "--window", description = "Messages a unit sends before waiting for a receipt (default: all at"
            + " once for one hub, 4 for several, as units send).")
    Integer window;

    @Option(names = "--latency-seconds", defaultValue = "10",
            description = "Length of the latency run at half the burst rate (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--broker-defaults", description = "Send the burst through a Mosquitto with its own in-flight"
            + " defaults (which 2.0.11 overruns once acknowledgements flow) instead of one configured as"
            + " 'provisioning broker' sizes it.")
    boolean brokerDefaults;

    @Option(names = "--kafka", description = "Feed the hubs through Kafka (three KRaft nodes over TLS on loopback,"
            + " one bridge from the broker), as a national deployment does.")
    boolean kafkaFed;

    @Option(names = "--patroni", description = "Measure what synchronous replication costs instead: one hub on"
            + " PostgreSQL under Patroni with and without waiting for the standby, same run.")
    boolean patroni;

    @Option(names = "--relay-junk", paramLabel = "N", defaultValue = "0", description = "Then three more bursts, the"
            + " second with N junk posts at the hub's phone relay, to compare the MQTT intake's accepted rates.")
    int relayJunk;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "40000", description = "Messages the hubs take"
            + " before the burst, at most as many as the burst (default: ${DEFAULT-VALUE}), so that the burst measures"
            + " compiled code: a hub decides an election for hours.")
    int warmUp;

    @Option(names = "--dir", description = "Work folder, kept (default: a new temporary folder, removed after a run"
            + " that succeeded; one that failed keeps it for the hubs' and the broker's logs).")
    Path dir;

    private Path work;

    public static void main(String[] args) {
        Bench bench = new Bench();
        int exit = new CommandLine(bench).execute(args);
        if (exit == 0 && bench.dir == null && bench.work != null) {
            WorkFolder.remove(bench.work);
        }
        System.exit(exit);
    }

    @Override
    public Integer call() throws Exception {
        if (units < 1 || messages < units || hubs < 1 || latencySeconds < 1 || warmUp < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "need units >= 1, messages >= units, hubs >= 1, latency-seconds >= 1, warm-up >= 0");
        }
        String kind = store != null ? store : hubs > 1 ? "postgres" : "sqlite";
        if (hubs > 1 && !kind.equals("postgres")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "several hubs share a PostgreSQL store");
        }
        int unitWindow = window != null ? window : hubs > 1 ? 4 : Integer.MAX_VALUE;
        work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("rts-bench-");
        if (patroni) {
            System.out.printf("RTS synchronous replication cost: %d units, %d messages a phase, work folder %s%n",
                    units, messages, work);
            return SyncCost.run(work, units, messages);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("RTS hub benchmark: %d units, %d burst messages, %d hub(s), %s store, %d cores, Java %s,"
                + " work folder %s%n", units, messages, hubs, kind, cores, Runtime.version(), work);

        long t = System.nanoTime();
        Fleet fleet = Fleet.create(work.resolve("election"), units);
        String election = fleet.election().id();
        System.out.printf("  %d units provisioned (keys, certificates, one signed registry) in %.1f s%n", units,
                seconds(System.nanoTime() - t));
        int perUnit = (messages + units - 1) / units;
        int warmPerUnit = Math.max(1, Math.min(warmUp, messages) / units);
        List<Message> warm = fleet.sign(warmPerUnit);
        // with several Kafka-fed hubs, one hub alone takes a burst as large first, for the comparison
        List<Message> alone = kafkaFed && hubs > 1 ? fleet.sign(perUnit).subList(0, messages) : List.of();
        // ... then all warm up on these, each taking as many as the first took (its code compiled, as on the day)
        List<Message> rewarm = alone.isEmpty() ? List.of() : fleet.sign(hubs * warmPerUnit);
        t = System.nanoTime();
        List<Message> burst = fleet.sign(perUnit).subList(0, messages);
        double unitSignRate = burst.size() / seconds(System.nanoTime() - t);
        if (burst.size() < perUnit * units) {
            throw new IllegalStateException("messages must be a multiple of units, so that every chain is whole");
        }

        double verifyRate = Rates.verify(burst, cores);
        double verifyMicros = 1e6 * cores / verifyRate; // one core's time for one verify: a message's floor at the hub
        X509CertificateHolder hubCert = Pem.readCertificate(fleet.files().hubCertificate());
        double receiptRate = Rates.receipts(burst, new ReceiptIssuer(Pem.readPrivateKey(fleet.files().hubKey()),
                hubCert), cores);
        System.out.printf("  in-process: ECDSA P-256 verify %,.0f/s (one verify: %.0f µs of one core), one signature"
                + " %,.0f/s, report signing %,.0f/s (%d threads)%n", verifyRate, verifyMicros,
                receiptRate, unitSignRate, cores);

        String location = null;
        int queued = units * (warmPerUnit + perUnit + 64);
        try (Mosquitto broker = brokerDefaults
                ? Mosquitto.plain(work.resolve("broker"), "max_queued_messages " + Math.max(1000, queued))
                : Mosquitto.forElection(work.resolve("broker"), units, warmPerUnit + perUnit + 64)) {
            System.out.printf("  broker: %s%n", brokerDefaults ? "Mosquitto's own defaults (max_inflight_messages 20)"
                    : "as 'provisioning broker' sizes it (max_inflight_messages 1000)");
            broker.start();
            double passThrough = Rates.passThrough(broker.url(), election, burst);
            System.out.printf("  plain Paho subscriber through Mosquitto: %,.0f msg/s%n", passThrough);
            location = kind.equals("postgres") ? postgres + (postgres.contains("?") ? "&" : "?")
                    + "currentSchema=bench_" + Long.toString(System.nanoTime(), 36)
                    : work.resolve("hub.db").toString();
            List<HubProcess> hubProcesses = new ArrayList<>();
            int opsPort = Mosquitto.freePort();
            KafkaCluster kafka = kafkaFed ? KafkaCluster.onLoopback(fleet.files(), 3, List.of("hubs", "bridge"))
                    .start() : null;
            HubProcess bridge = kafka == null ? null : new HubProcess(work.resolve("bridge.log"), List.of("bridge",
                    "--election", fleet.files().dir().toString(), "--broker", broker.url(), "--edge", "edge1",
                    "--kafka", kafka.clientSettings("bridge").toString())).start();
            for (int i = 1; i <= hubs; i++) {
                List<String> options = new ArrayList<>(List.of("run", "--election", fleet.files().dir().toString(),
                        "--store", location, "--client-id", "bench-hub-" + i, "--rate-burst", "1000000", "--rate",
                        "1000000"));
                options.addAll(kafka != null ? List.of("--kafka", kafka.clientSettings("hubs").toString(), "--edge",
                        "edge1=" + broker.url()) : hubs > 1 ? List.of("--broker", broker.url(), "--share", "bench")
                        : List.of("--broker", broker.url()));
                if (relayJunk > 0 && i == 1) {
                    Path users = Files.writeString(work.resolve("ops-users"), org.rts.hub.web.Users.line("bench",
                            "bench password".toCharArray()) + "\n");
                    options.addAll(List.of("--ops-port", String.valueOf(opsPort), "--ops-users", users.toString()));
                }
                hubProcesses.add(new HubProcess(work.resolve("hub-" + i + ".log"), options));
            }
            int first = alone.isEmpty() ? hubs : 1;
            for (HubProcess h : hubProcesses.subList(0, first)) {
                h.start();
            }
            // through Kafka the warm-up is a backlog of tens of seconds: copies resent after 20 s would reach the burst
            try (Traffic traffic = new Traffic(broker.url(), election, 8, unitWindow,
                    Duration.ofSeconds(kafkaFed ? 120 : 20))) {
                for (int i = 1; i <= first; i++) {
                    hubProcesses.get(i - 1).awaitConnected(healthFile(kind, fleet, location, i));
                }
                if (bridge != null) {
                    bridge.awaitConnected(fleet.files().dir().resolve("rts-bridge-edge1.health.json"));
                }
                long w0 = System.nanoTime();
                traffic.send(warm);
                long warmDeadline = w0 + Duration.ofMinutes(3).toNanos();
                while (!traffic.awaitAnswers(warm.size(), Duration.ofSeconds(1)) && System.nanoTime() < warmDeadline) {
                    for (HubProcess h : hubProcesses.subList(0, first)) {
                        if (!h.isAlive()) {
                            throw new IllegalStateException("a hub exited: see " + h.log());
                        }
                    }
                }
                if (traffic.outcomes().size() < warm.size()) {
                    throw new IllegalStateException("the hub answered " + traffic.outcomes().size() + " of "
                            + warm.size() + " warm-up messages in 3 minutes: see " + work.resolve("hub-1.log"));
                }
                long[] cold = outcomes(traffic.outcomes(), warm).stream().mapToLong(o -> o.answeredNanos() - w0)
                        .sorted().toArray(); // how fast a hub that has just started answers
                int early = Math.min(2000, cold.length);
                long settling = HubProcess.awaitCompilersIdle(hubProcesses.subList(0, first));
                double resting = HubProcess.restingMillisPerSecond(hubProcesses.subList(0, first));
                System.out.printf("  warm-up: %,d messages answered in %.1f s (the first %,d in %.1f s), then %.1f s"
                        + " for the hub's JIT compilers to finish; at rest: %.1f ms of CPU a second%n", warm.size(),
                        seconds(cold[cold.length - 1]), early, seconds(cold[early - 1]), seconds(settling), resting);
                double[] one = alone.isEmpty() ? null : alone(traffic, alone, rewarm, warm.size(), hubProcesses, kind,
                        fleet, location);
                int ahead = warm.size() + alone.size() + rewarm.size();
                long publishesBefore = traffic.publishes();
                long cpu0 = HubProcess.cpuMicros(hubProcesses, false);
                long jit0 = HubProcess.cpuMicros(hubProcesses, true);
                long bridge0 = bridge == null ? 0 : bridge.cpuMicros();
                long kafka0 = kafka == null ? 0 : kafka.cpuMicros();
                BurstShares shares = new BurstShares(hubProcesses, "bench-hub-");
                long t0 = System.nanoTime();
                traffic.send(burst);
                boolean all = traffic.awaitAnswers(ahead + burst.size(),
                        Duration.ofSeconds(Math.max(300, messages / 200)));
                long cpu1 = HubProcess.cpuMicros(hubProcesses, false);
                long jit1 = HubProcess.cpuMicros(hubProcesses, true);
                long bridge1 = bridge == null ? 0 : bridge.cpuMicros();
                long kafka1 = kafka == null ? 0 : kafka.cpuMicros();
                List<Traffic.Outcome> burstOutcomes = outcomes(traffic.outcomes(), burst);
                long last = burstOutcomes.stream().mapToLong(Traffic.Outcome::answeredNanos).max().orElse(t0);
                double rate = burstOutcomes.size() / seconds(last - t0);
                double perMessage = (double) (cpu1 - cpu0) / burstOutcomes.size();
                double jit = (double) (jit1 - jit0) / burstOutcomes.size();
                long accepted = burstOutcomes.stream().filter(o -> o.receipt().accepted()).count();
                System.out.printf("  hub: %,d of %,d burst messages answered%s, %,d ACCEPTED; %,.0f msg/s accepted and"
                        + " receipted%n", burstOutcomes.size(), burst.size(), all ? "" : " (TIMED OUT)", accepted,
                        rate);
                System.out.printf("  hub CPU: %.0f µs per message, %.0f µs of it the JIT compiler's (%d hub"
                        + " process(es); one verify on one core: %.0f µs, the receipts' tree head signed once a batch)%n",
                        perMessage, jit, hubs, verifyMicros);
                shares.print(burstOutcomes);
                if (one != null) {
                    System.out.printf("  %d hubs beside one hub alone on the same run: %.2f x its rate, %.2f x its CPU"
                            + " per message (%.2f x without the JIT compilers')%n", hubs, rate / one[0],
                            perMessage / one[1], (perMessage - jit) / (one[1] - one[2]));
                }
                if (bridge != null) {
                    System.out.printf("  bridge CPU: %.0f µs per message (the broker to Kafka), Kafka's three nodes:"
                            + " %.0f µs per message, besides the hubs'%n", (double) (bridge1 - bridge0)
                            / burstOutcomes.size(), (double) (kafka1 - kafka0) / burstOutcomes.size());
                }
                long reconnects = 0;
                long copies = 0;
                for (int i = 1; i <= hubs; i++) {
                    HealthReport health = JsonFiles.read(healthFile(kind, fleet, location, i), HealthReport.class,
                            "the hub's health");
                    reconnects += health.reconnects();
                    copies += health.duplicates();
                }
                System.out.printf("  hub: %,d reconnect(s) to the broker during the run; %,d copies received"
                        + " (resends and broker redeliveries, answered with their receipt)%n", reconnects, copies);
                if (traffic.gaps() > 0 || traffic.publishes() - publishesBefore > burst.size()) {
                    System.out.printf("  units: %,d publishes for %,d messages (%,d answered with a gap and sent again"
                            + " after the one before, %,d resent for want of a receipt)%n",
                            traffic.publishes() - publishesBefore, burst.size(), traffic.gaps(), traffic.resends());
                }
                reasons(burstOutcomes).forEach(line -> System.out.println("    not accepted: " + line));
                int answered = ahead + burst.size();
                if (relayJunk > 0) {
                    answered = RelayJunk.compare(traffic, fleet, burst.size(), answered, opsPort, relayJunk,
                            burst.get(0).bytes(), hubProcesses);
                }
                double latencyRate = Math.max(1, rate / 2);
                int latencyCount = (int) Math.min((long) latencyRate * latencySeconds, (long) units * 64);
                List<Message> paced = fleet.sign((latencyCount + units - 1) / units);
                double busy = Rates.runPaced(traffic, paced, latencyRate);
                boolean latencyAll = traffic.awaitAnswers(answered + paced.size(), Duration.ofSeconds(120));
                List<Traffic.Outcome> pacedOutcomes = outcomes(traffic.outcomes(), paced);
                long[] latencies = pacedOutcomes.stream().mapToLong(Traffic.Outcome::latencyNanos).sorted().toArray();
                System.out.printf("  publish -> receipt at %,.0f msg/s (half the burst rate, %,d messages%s): p50 %.1f ms,"
                        + " p99 %.1f ms, max %.1f ms; the machine's cores %.0f %% busy%n", latencyRate, paced.size(),
                        latencyAll ? "" : ", TIMED OUT", Rates.percentile(latencies, 0.50),
                        Rates.percentile(latencies, 0.99), Rates.percentile(latencies, 1.0), busy);

                long genuine = Traffic.genuine(traffic.outcomes(), Certificates.publicKey(hubCert), election);
                System.out.printf("  receipts: %,d of %,d in the hub's log under a tree head it signed%n", genuine,
                        traffic.outcomes().size());
                System.out.printf("  ratios: hub rate / pass-through %.2f; hub CPU per message / one verify %.2f (%.2f"
                        + " without the JIT compiler's)%n", rate / passThrough, perMessage
                        / verifyMicros, (perMessage - jit) / verifyMicros);
            } finally {
                for (HubProcess h : hubProcesses) {
                    h.close();
                }
                if (bridge != null) {
                    bridge.close();
                }
                if (kafka != null) {
                    kafka.close();
                }
            }
            checkStore(location, fleet);
        } finally {
            if (location != null && location.startsWith("jdbc:")) {
                dropSchema(location);
            }
        }
        return 0;
    }

    /**
     * One hub alone takes {@code alone}; then the others start, join its consumer group and warm up on
     * {@code rewarm}. Returns the lone hub's accepted rate and CPU per message.
     */
    private static double[] alone(Traffic traffic, List<Message> alone, List<Message> rewarm, int before,
                                  List<HubProcess> hubs, String kind, Fleet fleet, String location) throws Exception {
        long cpu0 = hubs.get(0).cpuMicros();
        long jit0 = hubs.get(0).compilerMicros();
        long t0 = System.nanoTime();
        traffic.send(alone);
        if (!traffic.awaitAnswers(before + alone.size(), Duration.ofMinutes(10))) {
            throw new IllegalStateException("one hub alone answered " + (traffic.outcomes().size() - before)
                    + " of " + alone.size() + " in 10 minutes: see " + hubs.get(0).log());
        }
        long cpu = hubs.get(0).cpuMicros() - cpu0;
        long jit = hubs.get(0).compilerMicros() - jit0;
        List<Traffic.Outcome> answered = outcomes(traffic.outcomes(), alone);
        double rate = answered.size() / seconds(answered.stream().mapToLong(Traffic.Outcome::answeredNanos).max()
                .orElse(t0) - t0);
        double perMessage = (double) cpu / answered.size();
        System.out.printf("  one hub alone first: %,d messages, %,.0f msg/s accepted and receipted, %.0f µs of CPU per"
                + " message, %.0f µs of it the JIT compiler's%n", answered.size(), rate, perMessage,
                (double) jit / answered.size());
        BurstShares.batches(answered);
        for (int i = 2; i <= hubs.size(); i++) {
            hubs.get(i - 1).start();
        }
        for (int i = 2; i <= hubs.size(); i++) {
            hubs.get(i - 1).awaitConnected(healthFile(kind, fleet, location, i));
        }
        Thread.sleep(5_000); // the group's rebalance hands the new hubs their partitions
        traffic.send(rewarm);
        if (!traffic.awaitAnswers(before + alone.size() + rewarm.size(), Duration.ofMinutes(5))) {
            throw new IllegalStateException("the hubs did not answer their warm-up: see the hub logs beside "
                    + hubs.get(0).log());
        }
        System.out.printf("  the %d hubs warmed up on %,d messages, then %.1f s for their JIT compilers to finish; at"
                + " rest: %.1f ms of CPU a second each%n", hubs.size(), rewarm.size(),
                seconds(HubProcess.awaitCompilersIdle(hubs)), HubProcess.restingMillisPerSecond(hubs));
        return new double[] {rate, perMessage, (double) jit / answered.size()};
    }

    private static Path healthFile(String kind, Fleet fleet, String location, int hub) {
        return kind.equals("postgres") ? fleet.files().dir().resolve("bench-hub-" + hub + ".health.json")
                : Path.of(location + ".health.json");
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static List<Traffic.Outcome> outcomes(Collection<Traffic.Outcome> all, List<Message> of) {
        Set<String> hashes = of.stream().map(Message::hash).collect(Collectors.toSet());
        return all.stream().filter(o -> hashes.contains(o.message().hash())).toList();
    }

    private static List<String> reasons(List<Traffic.Outcome> outcomes) {
        Map<String, Long> counts = outcomes.stream().filter(o -> !o.receipt().accepted())
                .collect(Collectors.groupingBy(o -> o.receipt().reasons().stream().map(Finding::code)
                        .collect(Collectors.joining(",")), Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getValue() + " x " + e.getKey()).toList();
    }

    /** What the store holds once the hubs have stopped: every message chained once, every unit's chain whole. */
    private static void checkStore(String location, Fleet fleet) {
        try (MessageStore db = MessageStore.open(location)) {
            long whole = fleet.units().stream().filter(u -> db.head(u.id()).seq() == u.seq()).count();
            System.out.printf("  store: %s, %,d copies stored; %,d of %,d units' chains whole up to their last"
                    + " message%n", db.inboundCounts(), db.storedCopies(), whole, fleet.units().size());
        }
    }

    private static void dropSchema(String location) {
        String schema = location.replaceAll(".*currentSchema=([A-Za-z0-9_]+).*", "$1");
        try (Connection c = DriverManager.getConnection(location); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("could not drop benchmark schema " + schema + ": " + e.getMessage());
        }
    }
}
