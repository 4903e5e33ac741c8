package org.rts.hub;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.rts.hub.store.HubStore;
import org.rts.hub.tally.Tally;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.pki.Pem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The hub's command line: {@code run} serves an election, {@code tally} prints what was accepted. */
@Command(name = "hub", mixinStandardHelpOptions = true, version = "rts hub 0.1",
        description = "Receives, verifies, stores and answers polling-station reports.",
        subcommands = {HubMain.Run.class, HubMain.TallyCommand.class})
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
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: run or tally");
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Serve an election until stopped.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--election", required = true, description = "Election directory written by provisioning.")
        Path election;

        @Option(names = "--broker", required = true, description = "Broker URL, e.g. tcp://127.0.0.1:1883.")
        String broker;

        @Option(names = "--store", description = "SQLite store file (default: <election>/hub.db).")
        Path store;

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

        @Option(names = "--health-file", description = "Health file, rewritten every 5 s (default: <store>.health.json).")
        Path healthFile;

        @Override
        public Integer call() throws InterruptedException {
            HubConfig config = new HubConfig(new ElectionFiles(election), broker, store, clientId, queue, queueBytes,
                    java.time.Duration.ofSeconds(sessionExpiry), rateBurst, rate, healthFile);
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
        @Option(names = "--election", required = true, description = "Election directory.")
        Path election;

        @Option(names = "--store", description = "SQLite store file (default: <election>/hub.db).")
        Path store;

        @Override
        public Integer call() {
            ElectionFiles files = new ElectionFiles(election);
            Path file = store != null ? store : files.dir().resolve("hub.db");
            if (!java.nio.file.Files.exists(file)) {
                throw new HubException("no hub store at " + file + ": run 'hub run' first, or pass --store");
            }
            try (HubStore db = HubStore.open(file)) {
                Tally.print(Election.readSigned(files.ballot(), Pem.readCertificate(files.caCertificate())), db,
                        System.out);
            }
            return 0;
        }
    }
}
