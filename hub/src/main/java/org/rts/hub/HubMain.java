package org.rts.hub;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.rts.hub.export.ExportSchedule;
import org.rts.hub.export.Exporter;
import org.rts.hub.forward.Forwarding;
import org.rts.hub.store.ExportSnapshot;
import org.rts.hub.store.ResultStore;
import org.rts.hub.store.UnitStore;
import org.rts.hub.units.UnitMonitor;
import org.rts.hub.tally.Tally;
import org.rts.hub.web.OpsRoom;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.Topics;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.pki.Pem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The hub's command line: {@code run} serves an election, {@code tally} prints what was accepted, {@code export}
 * writes the bundle an observer verifies.
 */
@Command(name = "hub", mixinStandardHelpOptions = true, version = "rts hub 0.1",
        description = "Receives, verifies, stores and answers polling-station reports.",
        subcommands = {HubMain.Run.class, HubMain.TallyCommand.class, HubMain.ExportCommand.class,
                HubMain.UnitsCommand.class, HubMain.ReadinessCommand.class, UsersCommand.class,
                ForwardRequeueCommand.class, BridgeCommand.class, org.rts.hub.stick.ImportCommand.class})
public final class HubMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code: 0 done, 1 failed (one line on stderr), 2 bad usage. */
    public static int run(String... args) {
        return new CommandLine(new HubMain())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof HubException || e instanceof ProtocolException
                            || e instanceof IllegalArgumentException) {
                        cmd.getErr().println("hub: " + e.getMessage());
                        return 1;
                    }
                    throw e;
                })
                .execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: run, tally or export");
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Serve an election until stopped.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--election", required = true, description = "Election directory written by provisioning.")
        Path election;

        @Option(names = "--broker", description = "Broker URL, e.g. tcp://127.0.0.1:1883 (or --kafka).")
        String broker;

        @Option(names = "--kafka", paramLabel = "FILE", description = "Take the reports from Kafka, as one of the"
                + " election's hubs, with these client settings ('provisioning kafka' writes them); needs --edge.")
        Path kafka;

        @Option(names = "--edge", paramLabel = "NAME=URL", description = "With --kafka: an MQTT edge its bridge"
                + " names NAME; the hub hears the units' health and sends receipts through it. Repeat per edge.")
        java.util.List<String> edges = new java.util.ArrayList<>();

        @Option(names = "--store", paramLabel = "FILE|URL", description = "Where decisions are kept: a SQLite file"
                + " (default: <election>/hub.db) or jdbc:postgresql://host:port/db?user=NAME, shared by hubs of one"
                + " --share group.")
        String store;

        @Option(names = "--share", paramLabel = "GROUP", description = "Share the devices' messages with the other"
                + " hubs of GROUP (MQTT v5 shared subscription); they must use the same PostgreSQL --store.")
        String share;

        @Option(names = "--client-id", description = "MQTT client id (default: rts-hub-<election id>).")
        String clientId;

        @Option(names = "--queue", defaultValue = "" + HubConfig.DEFAULT_QUEUE,
                description = "Messages queued for processing before the broker is pushed back (default: ${DEFAULT-VALUE}).")
        int queue;

        @Option(names = "--queue-bytes", defaultValue = "" + HubConfig.DEFAULT_QUEUE_BYTES,
                description = "Bytes of messages queued for processing (default: ${DEFAULT-VALUE}).")
        long queueBytes;

        @Option(names = "--session-expiry", defaultValue = "604800",
                description = "Seconds the broker keeps queueing for a stopped hub (default: ${DEFAULT-VALUE}).")
        long sessionExpiry;

        @Option(names = "--rate-burst", defaultValue = "" + HubConfig.DEFAULT_RATE_BURST,
                description = "Messages one unit may send at once before its rate limit (default: ${DEFAULT-VALUE}).")
        int rateBurst;

        @Option(names = "--rate", defaultValue = "" + HubConfig.DEFAULT_RATE_PER_SECOND,
                description = "Messages a second one unit may send after its burst (default: ${DEFAULT-VALUE}).")
        double rate;

        @Option(names = "--forward", paramLabel = "URL", description = "Forward accepted results to a tally centre:"
                + " its MQTT broker (ssl://host:port) or an HTTPS endpoint (https://host/path). Repeatable.")
        java.util.List<java.net.URI> forward = new java.util.ArrayList<>();

        @Option(names = "--forward-turnout", description = "Forward accepted turnout reports too.")
        boolean forwardTurnout;

        @Option(names = "--forward-ca", paramLabel = "FILE", description = "PEM certificates the tally centre's servers"
                + " chain to (default: the JDK's authorities).")
        Path forwardCa;

        @Option(names = "--forward-refused-for", paramLabel = "MINUTES", defaultValue = "120",
                description = "Minutes a tally centre that refuses messages (HTTP 403, 404, ...) is still tried, with"
                        + " an alert open, before a message it refuses is marked refused (default: ${DEFAULT-VALUE}).")
        long forwardRefusedFor;

        @Option(names = "--export-to", paramLabel = "DIR", description = "Write an observer export into a new folder"
                + " of DIR every --export-every, and when the hub stops.")
        Path exportTo;

        @Option(names = "--reports-to", paramLabel = "DIR", description = "Write the readiness report (CSV and PDF)"
                + " into DIR when the hub starts and every --reports-every.")
        Path reportsTo;

        @Option(names = "--reports-every", paramLabel = "MINUTES", defaultValue = "1440",
                description = "Minutes between readiness reports (default: ${DEFAULT-VALUE}, a day).")
        long reportsEvery;

        @Option(names = "--export-every", paramLabel = "MINUTES", defaultValue = "60",
                description = "Minutes between scheduled exports (default: ${DEFAULT-VALUE}).")
        long exportEvery;

        @Option(names = "--ops-port", description = "Serve the operations room (page, JSON API, live events,"
                + " /metrics) on this port; needs --ops-users.")
        Integer opsPort;

        @Option(names = "--ops-bind", defaultValue = "127.0.0.1",
                description = "Address the operations room listens on (default: ${DEFAULT-VALUE}); any but a loopback"
                        + " address needs --ops-cert and --ops-key.")
        String opsBind;

        @Option(names = "--ops-cert", paramLabel = "FILE", description = "PEM certificate (then any intermediates)"
                + " of the operations room's web address: the room is served over HTTPS.")
        Path opsCert;

        @Option(names = "--ops-key", paramLabel = "FILE", description = "PEM EC (P-256) private key of --ops-cert,"
                + " readable by its owner only.")
        Path opsKey;

        @Option(names = "--ops-max-connections", paramLabel = "N", defaultValue = "256", description = "Connections"
                + " the operations room holds at once, live-event streams included; more are closed as soon as"
                + " accepted (default: ${DEFAULT-VALUE}).")
        int opsMaxConnections;

        @Option(names = "--metrics-token-file", paramLabel = "FILE", description = "A file holding the bearer token"
                + " /metrics asks for (16 printable characters at least; default: none asked).")
        Path metricsTokenFile;

        @Option(names = "--ops-users", paramLabel = "FILE", description = "Who may sign in to the operations room"
                + " (kept with 'hub users add|remove|passwd|list').")
        Path opsUsers;

        @Option(names = "--alert-seconds", paramLabel = "NAME=SECONDS", split = ",", description = "Change how long"
                + " a condition must hold before its alert opens (batteryFor, downFor, clockFor, outboxFor,"
                + " flappingWindow, resultWindow, clockOffset, silentAfter) and how long an open alert no one"
                + " acknowledged waits before it escalates (escalateAfter), and how often a unit's history keeps a"
                + " point of its telemetry (historyStep, default 300), e.g. downFor=600 for a drill.")
        java.util.Map<String, Long> alertSeconds = new java.util.HashMap<>();

        @Option(names = "--health-file", description = "Health file, rewritten every 5 s (default: <store>.health.json).")
        Path healthFile;

        private String metricsToken() {
            if (metricsTokenFile == null) {
                return null;
            }
            try {
                return java.nio.file.Files.readString(metricsTokenFile).strip();
            } catch (java.io.IOException e) {
                throw new HubException("cannot read the metrics token from " + metricsTokenFile + ": " + e);
            }
        }

        private OpsRoom.Limits opsLimits() {
            return new OpsRoom.Limits(opsMaxConnections, OpsRoom.Limits.DEFAULT.requestTime(),
                    OpsRoom.Limits.DEFAULT.idle());
        }

        @Override
        public Integer call() throws InterruptedException {
            org.rts.hub.kafka.KafkaFeed feed = kafka == null ? null : new org.rts.hub.kafka.KafkaFeed(
                    org.rts.hub.kafka.KafkaFeed.readClient(kafka), org.rts.hub.kafka.KafkaFeed.parseEdges(edges),
                    org.rts.hub.kafka.KafkaFeed.DEFAULT_PARTITIONS);
            if ((broker == null) == (feed == null)) {
                throw new HubException("give the hub --broker URL, or --kafka FILE with --edge NAME=URL per edge");
            }
            HubConfig config = new HubConfig(new ElectionFiles(election), feed == null ? broker
                    : feed.edges().values().iterator().next(), store, clientId, queue, queueBytes,
                    java.time.Duration.ofSeconds(sessionExpiry), rateBurst, rate, healthFile, share,
                    new Forwarding(forward, forwardTurnout ? java.util.Set.of(Topics.RESULT, Topics.TURNOUT)
                            : java.util.Set.of(Topics.RESULT), forwardCa,
                            java.time.Duration.ofMinutes(forwardRefusedFor)),
                    exportTo == null ? null : new ExportSchedule(exportTo, java.time.Duration.ofMinutes(exportEvery)),
                    opsPort == null ? null : new OpsRoom(opsBind, opsPort, opsUsers, opsCert,
                            opsKey, metricsToken(), opsLimits()),
                    org.rts.hub.units.Alerts.Settings.DEFAULT.with(alertSeconds), feed, reportsTo == null ? null
                    : new org.rts.hub.units.ReportSchedule(reportsTo, java.time.Duration.ofMinutes(reportsEvery)));
            if (share != null && !config.store().startsWith("jdbc:postgresql:")) {
                throw new HubException("--share needs a --store that the hubs of the group have in common:"
                        + " jdbc:postgresql://host:port/db?user=NAME");
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Hub hub = Hub.start(config, Clock.systemUTC());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                hub.close();
                stopped.countDown();
            }, "hub-shutdown"));
            stopped.await();
            return 0;
        }
    }

    @Command(name = "tally", mixinStandardHelpOptions = true,
            description = "Print accepted turnout and results per station and totals.")
    static final class TallyCommand implements Callable<Integer> {
        @CommandLine.Mixin
        StoreOptions stored;

        @Override
        public Integer call() {
            ElectionFiles files = stored.files();
            try (ResultStore db = ResultStore.open(stored.location())) {
                Tally.print(Election.readSigned(files.ballot(), Pem.readCertificate(files.caCertificate())), db,
                        System.out);
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write the observer export: every message as received with its receipt, the certificates"
                    + " and signed configuration, and a manifest signed by the hub (see VERIFY.md).")
    static final class ExportCommand implements Callable<Integer> {
        @CommandLine.Mixin
        StoreOptions stored;

        @Option(names = "--out", required = true, description = "Folder to create for the export (must not exist).")
        Path out;

        @Override
        public Integer call() {
            ElectionFiles files = stored.files();
            try (ExportSnapshot db = ExportSnapshot.open(stored.location())) {
                Exporter.Summary s = new Exporter(files, db, Clock.systemUTC()).export(out);
                System.out.printf("exported %d messages %s of %d units to %s%n", s.records(), s.counts(), s.units(),
                        s.dir());
                System.out.printf("verify it with: provisioning verify-export %s --ca CA-AS-PUBLISHED.pem%n", s.dir());
            }
            return 0;
        }
    }

    @Command(name = "units", mixinStandardHelpOptions = true,
            description = "Print every unit's state, battery, outbox and last contact, and the open alerts.")
    static final class UnitsCommand implements Callable<Integer> {
        @CommandLine.Mixin
        StoreOptions stored;

        @Override
        public Integer call() {
            try (UnitStore db = UnitStore.open(stored.location())) {
                java.time.Instant now = java.time.Instant.now();
                System.out.printf("%-14s %-10s %-8s %8s %8s  %s%n", "UNIT", "STATION", "STATE", "BATTERY", "PENDING",
                        "LAST SEEN");
                for (var u : db.units().stream().map(UnitMonitor::status).toList()) {
                    var t = u.telemetry();
                    System.out.printf("%-14s %-10s %-8s %8s %8s  %s%s%n", u.device(), u.station(), u.state(),
                            t == null || t.battery() == null ? "?" : Math.round(t.battery()) + "%",
                            t == null ? "?" : String.valueOf(t.pending()), u.lastSeen(),
                            u.flags().isEmpty() ? "" : "  FLAGGED: " + String.join("; ", u.flags()));
                }
                var open = db.alerts(true).stream().map(UnitMonitor::alert).toList();
                System.out.printf("%nOpen alerts (%d)%n", open.size());
                for (var a : open) {
                    System.out.printf("  %-18s %-14s %-10s open %4d min  %s%n", a.rule(), a.subject(), a.station(),
                            a.age(now).toMinutes(), a.detail());
                }
            }
            return 0;
        }
    }

    @Command(name = "readiness", mixinStandardHelpOptions = true,
            description = "Before polling day: every active unit, last seen, battery, software, certificate expiry,"
                    + " ready or not and why, as CSV.")
    static final class ReadinessCommand implements Callable<Integer> {
        @CommandLine.Mixin
        StoreOptions stored;

        @Option(names = "--software", description = "The agent version every unit must run (default: any).")
        String software;

        @Option(names = "--out", description = "Write the CSV here (default: standard output).")
        Path out;

        @Option(names = "--pdf", paramLabel = "FILE", description = "Also write the printable report (PDF, a section"
                + " per region, the units not ready first with what to do).")
        Path pdf;

        @Override
        public Integer call() throws java.io.IOException {
            ElectionFiles files = stored.files();
            var ca = Pem.readCertificate(files.caCertificate());
            try (UnitStore db = UnitStore.open(stored.location());
                 var history = org.rts.hub.store.HistoryStore.open(stored.location());
                 var results = org.rts.hub.store.ResultStore.open(stored.location())) {
                Election election = Election.readSigned(files.ballot(), ca);
                var lines = org.rts.hub.units.Readiness.report(election,
                        org.rts.protocol.files.Registry.readSigned(files.registry(), ca), db.units().stream()
                                .map(UnitMonitor::status).toList(), software,
                        org.rts.hub.units.Readiness.facts(files, election, history, results), java.time.Instant.now());
                if (pdf != null) {
                    try (var stream = java.nio.file.Files.newOutputStream(pdf)) {
                        org.rts.hub.units.ReadinessPdf.write(election.name() + " (" + election.id() + ")", lines,
                                java.time.Instant.now(), stream);
                    }
                }
                String csv = org.rts.hub.units.Readiness.csv(lines);
                if (out == null) {
                    System.out.print(csv);
                } else {
                    java.nio.file.Files.writeString(out, csv);
                }
                long ready = lines.stream().filter(org.rts.hub.units.Readiness.Line::ready).count();
                System.err.printf("%d of %d units ready%n", ready, lines.size());
            }
            return 0;
        }
    }

    /** The election and the store the reading commands work on. */
    public static final class StoreOptions {
        @Option(names = "--election", required = true, description = "Election directory.")
        Path election;

        @Option(names = "--store", paramLabel = "FILE|URL",
                description = "SQLite file (default: <election>/hub.db) or jdbc:postgresql:// URL.")
        String store;

        public ElectionFiles files() {
            return new ElectionFiles(election);
        }

        /** Where the store is: {@code --store}, else the election's {@code hub.db}, which must exist. */
        public String location() {
            String location = store != null ? store : files().dir().resolve("hub.db").toString();
            if (!location.startsWith("jdbc:") && !java.nio.file.Files.exists(Path.of(location))) {
                throw new HubException("no hub store at " + location + ": run 'hub run' first, or pass --store");
            }
            return location;
        }
    }
}
