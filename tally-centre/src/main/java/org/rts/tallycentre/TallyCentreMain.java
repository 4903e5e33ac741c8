package org.rts.tallycentre;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.TlsContexts;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The tally centre's command line: receives forwarded results until stopped. */
@Command(name = "tally-centre", mixinStandardHelpOptions = true, version = "rts tally-centre 0.1",
        description = "The tally centre's side of forwarding (a reference receiver): take forwarded results by"
                + " HTTPS and/or from the tally centre's broker, verify each and store it once per idempotency key.")
public final class TallyCentreMain implements Callable<Integer> {
    @Option(names = "--election", required = true, description = "The election's public files: ca/ca.pem,"
            + " hub/hub.pem, election.json and registry.json with their signatures.")
    Path election;

    @Option(names = "--db", description = "SQLite file of what was received (default: <election>/received.db).")
    Path db;

    @Option(names = "--port", description = "Listen for POSTs on this port (HTTPS with --tls-cert and --tls-key).")
    Integer port;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate of this server.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of this server.")
    Path tlsKey;

    @Option(names = "--mqtt", paramLabel = "URL", description = "Subscribe at the tally centre's broker.")
    String mqtt;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code: 0 done, 1 failed (one line on stderr), 2 bad usage. */
    public static int run(String... args) {
        return new CommandLine(new TallyCentreMain())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof TallyCentreException || e instanceof ProtocolException
                            || e instanceof IllegalArgumentException) {
                        cmd.getErr().println("tally-centre: " + e.getMessage());
                        return 1;
                    }
                    throw e;
                })
                .execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        ElectionFiles files = new ElectionFiles(election);
        if (port == null && mqtt == null) {
            throw new TallyCentreException("give --port, --mqtt or both: where forwarded messages arrive");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new TallyCentreException("--tls-cert and --tls-key go together");
        }
        SSLContext server = tlsCert == null ? null : TlsContexts.context(Pem.readPrivateKey(tlsKey),
                Pem.readCertificate(tlsCert), List.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Receiver receiver = Receiver.start(files, db != null ? db : files.dir().resolve("received.db"), port, server,
                mqtt, TlsContexts.context(null, null, List.of()), Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            receiver.close();
            stopped.countDown();
        }, "receiver-shutdown"));
        System.out.println("receiving" + (port != null ? " on port " + receiver.port() : "")
                + (mqtt != null ? " from " + mqtt : "") + "; stop with Ctrl-C");
        stopped.await();
        return 0;
    }
}
