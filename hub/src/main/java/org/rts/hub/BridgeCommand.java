package org.rts.hub;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.hub.kafka.Bridge;
import org.rts.hub.kafka.KafkaFeed;
import org.rts.hub.mqtt.HubMqtt;
import org.rts.hub.mqtt.Takes;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hub bridge}: one MQTT edge's reports onto the election's Kafka topic, for Kafka-fed hubs. */
@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = "Carry one MQTT edge's reports to Kafka (keyed by unit, acknowledged to the edge once Kafka"
                + " has them), for hubs started with --kafka. Runs until stopped.")
final class BridgeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeCommand.class);

    @Option(names = "--election", required = true, description = "Election directory written by provisioning.")
    Path election;

    @Option(names = "--broker", required = true, description = "The edge's URL, e.g. ssl://edge1.example:8883.")
    String broker;

    @Option(names = "--edge", required = true, paramLabel = "NAME", description = "The edge's name, as the hubs'"
            + " --edge NAME=URL gives it: receipts go back through it.")
    String edge;

    @Option(names = "--kafka", required = true, paramLabel = "FILE", description = "Kafka client settings"
            + " (bootstrap.servers, TLS), as 'provisioning kafka' writes them.")
    Path kafka;

    @Option(names = "--partitions", defaultValue = "" + KafkaFeed.DEFAULT_PARTITIONS, description = "Partitions"
            + " of the reports topic if this bridge makes it (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--client-id", description = "MQTT and Kafka client id (default: rts-bridge-<edge>).")
    String clientId;

    @Option(names = "--tls-keystore", paramLabel = "FILE", description = "The bridge's key and certificate at an"
            + " ssl:// edge: the keystore.pem 'provisioning kafka --client NAME' wrote, whose NAME the edge's ACL names"
            + " ('provisioning broker --bridge NAME').")
    Path tlsKeystore;

    @Option(names = "--session-expiry", defaultValue = "604800",
            description = "Seconds the edge keeps queueing for a stopped bridge (default: ${DEFAULT-VALUE}).")
    long sessionExpiry;

    @Option(names = "--health-file", paramLabel = "FILE", description = "Where the bridge writes its state every"
            + " 2 s (default: <election>/<client id>.health.json).")
    Path healthFile;

    /** What the health file says. */
    record State(java.time.Instant at, String edge, boolean brokerConnected, long produced, long notTaken,
                 String lastError) {
    }

    private javax.net.ssl.SSLSocketFactory tls(X509CertificateHolder ca) {
        if (tlsKeystore == null) {
            throw new HubException("an ssl:// edge needs --tls-keystore: the bridge's own key and certificate");
        }
        return TlsContexts.client(Pem.readPrivateKey(tlsKeystore), Pem.readCertificates(tlsKeystore).get(0), ca);
    }

    @Override
    public Integer call() throws InterruptedException {
        ElectionFiles files = new ElectionFiles(election);
        X509CertificateHolder ca = Pem.readCertificate(files.caCertificate());
        String id = Election.readSigned(files.ballot(), ca).id();
        String client = clientId != null ? clientId : "rts-bridge-" + edge;
        KafkaFeed feed = new KafkaFeed(KafkaFeed.readClient(kafka), Map.of(edge, broker), partitions);
        ScheduledExecutorService connector = Executors.newSingleThreadScheduledExecutor();
        HubMqtt[] mqtt = new HubMqtt[1];
        Bridge bridge = new Bridge(feed, KafkaFeed.topic(id), edge, client,
                () -> mqtt[0].reconnect("Kafka did not take reports: the edge delivers them again"));
        mqtt[0] = new HubMqtt(new HubMqtt.Settings(broker, id, client, null, sessionExpiry, 1_000,
                broker.startsWith("ssl:") ? tls(ca) : null,
                Takes.REPORTS), connector, Clock.systemUTC(), bridge::offer);
        mqtt[0].start();
        LOG.info("bridge {} from {} to Kafka topic {} at {}", edge, broker, KafkaFeed.topic(id),
                feed.client().getProperty("bootstrap.servers"));
        Path health = healthFile != null ? healthFile : election.resolve(client + ".health.json");
        connector.scheduleWithFixedDelay(() -> {
            try {
                org.rts.protocol.codec.JsonFiles.write(health, new State(java.time.Instant.now(), edge,
                        mqtt[0].isConnected(), bridge.produced(), bridge.failed(), mqtt[0].lastError()));
            } catch (RuntimeException e) {
                LOG.debug("health file not written: {}", e.toString());
            }
        }, 0, 2, TimeUnit.SECONDS);
        connector.scheduleWithFixedDelay(() -> LOG.info("bridge {}: {} reports in Kafka, {} not taken, edge {}",
                edge, bridge.produced(), bridge.failed(), mqtt[0].isConnected() ? "connected" : "not connected"),
                1, 1, TimeUnit.MINUTES);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mqtt[0].close();
            bridge.close();
            connector.shutdownNow();
            stopped.countDown();
        }, "bridge-shutdown"));
        stopped.await();
        return 0;
    }
}
