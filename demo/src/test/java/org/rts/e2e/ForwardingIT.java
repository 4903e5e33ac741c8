package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.demo.load.Fleet;
import org.rts.demo.load.HubProcess;
import org.rts.demo.load.Mosquitto;
import org.rts.demo.load.Traffic;
import org.rts.hub.forward.Forwarder;
import org.rts.hub.mqtt.MqttUpstream;
import org.rts.hub.intake.Intake;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.testing.TestElection;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Verification;
import org.rts.protocol.Topics;
import org.rts.protocol.message.Mode;
import org.rts.hub.store.ForwardQueue;
import org.rts.hub.store.MessageStore;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.TlsContexts;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.tallycentre.Receiver;

/**
 * The hub forwards to a tally centre's broker (mutual TLS, a second Mosquitto) and to an HTTPS endpoint while both
 * go away for part of a burst and the hub is killed in the middle of catching up: each accepted message arrives at
 * both, keyed by its hash, and nothing is lost.
 */
class ForwardingIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(600)
    void every_accepted_message_reaches_both_tally_centres_after_an_outage_and_a_killed_hub() throws Exception {
        int units = 100;
        int perUnit = 3;
        Fleet fleet = Fleet.create(dir.resolve("election"), units);
        ElectionFiles files = fleet.files();
        // two turnout reports and the result from each unit
        List<Fleet.Message> burst = new java.util.ArrayList<>(fleet.sign(perUnit - 1));
        fleet.units().forEach(u -> burst.add(u.result(300, 200)));
        Set<String> expected = burst.stream().map(Fleet.Message::hash).collect(Collectors.toSet());
        Path tallyDir = Files.createDirectories(dir.resolve("tally"));
        ServerCertificate server = ServerCertificate.issue(files, tallyDir);
        int tlsPort = Mosquitto.freePort();
        int plainPort = Mosquitto.freePort();
        Path conf = tallyDir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n",
                "per_listener_settings false", "allow_anonymous true", "user " + System.getProperty("user.name"),
                "persistence true", "persistence_location " + tallyDir.toAbsolutePath() + "/", "autosave_interval 1",
                "listener " + tlsPort + " 127.0.0.1", "cafile " + files.caCertificate().toAbsolutePath(),
                "certfile " + server.certificate(), "keyfile " + server.key(), "require_certificate true",
                "use_identity_as_username true",
                "listener " + plainPort + " 127.0.0.1", ""));
        int httpsPort = Mosquitto.freePort();
        String https = "https://localhost:" + httpsPort + "/results";
        String mqtt = "ssl://127.0.0.1:" + tlsPort;
        Path store = dir.resolve("hub.db");
        String[] options = {"--rate-burst", "1000000", "--rate", "1000000", "--forward-turnout", "--forward", mqtt,
                "--forward", https, "--forward-ca", files.caCertificate().toString()};
        try (Mosquitto stations = Mosquitto.forElection(dir.resolve("broker"), units, perUnit);
             Mosquitto tally = Mosquitto.configured(conf, plainPort)) {
            stations.start();
            tally.start();
            Receiver byMqtt = Receiver.start(files, tallyDir.resolve("mqtt.db"), null, null,
                    "tcp://127.0.0.1:" + plainPort, null, Clock.systemUTC());
            Receiver byHttps = httpsReceiver(files, tallyDir, httpsPort, server);
            HubProcess hub = new HubProcess(files.dir(), stations.url(), store.toString(), "hub-f",
                    dir.resolve("hub.log"), options).start();
            try (Traffic traffic = new Traffic(stations.url(), fleet.election().id(), 4, 4, Duration.ofSeconds(30))) {
                hub.awaitConnected(Path.of(store + ".health.json"));
                traffic.send(burst.subList(0, units));
                awaitKeys("the first reports at both tally centres", () -> atBoth(byMqtt, byHttps), units);
                // both tally centres go away for the rest of the burst
                tally.kill();
                byHttps.close();
                traffic.send(burst.subList(units, burst.size()));
                assertTrue(traffic.awaitAnswers(burst.size(), Duration.ofMinutes(3)), "every message answered");
                assertEquals(burst.size(), traffic.outcomes().stream().filter(o -> o.receipt().accepted()).count());
                // the hub tries, fails and backs off; the outage shows as lag
                Wait.until("both tally centres' failures recorded with messages waiting", Duration.ofMinutes(2), () -> {
                    try (ForwardQueue db = ForwardQueue.open(store.toString())) {
                        return db.lag(mqtt).pending() > 0 && db.lastError(mqtt) != null
                                && db.lag(https).pending() > 0 && db.lastError(https) != null;
                    }
                });
                // they come back; the hub is killed while it catches up, and started again
                tally.start();
                Receiver byHttpsAgain = httpsReceiver(files, tallyDir, httpsPort, server);
                awaitKeys("catching up", () -> byHttpsAgain.copies().size(), units + 1);
                hub.kill();
                hub = new HubProcess(files.dir(), stations.url(), store.toString(), "hub-f", dir.resolve("hub.log"),
                        options).start();
                awaitKeys("everything at the MQTT tally centre", () -> byMqtt.copies().size(), burst.size());
                awaitKeys("everything at the HTTPS tally centre", () -> byHttpsAgain.copies().size(), burst.size());
                System.out.printf("forwarded %d messages; copies beyond the first after the kill: MQTT %d, HTTPS %d%n",
                        burst.size(), extra(byMqtt), extra(byHttpsAgain));
                assertEquals(expected, byMqtt.copies().keySet(), "each accepted message, by its hash");
                assertEquals(expected, byHttpsAgain.copies().keySet(), "each accepted message, by its hash");
                byHttpsAgain.close();
            } finally {
                hub.close();
                byMqtt.close();
            }
            try (ForwardQueue db = ForwardQueue.open(store.toString())) {
                for (String upstream : List.of(mqtt, https)) {
                    ForwardQueue.Lag lag = db.lag(upstream);
                    assertEquals(0, lag.pending(), upstream + ": " + lag);
                    assertEquals(burst.size(), lag.delivered(), upstream + ": " + lag);
                }
            }
        }
    }

    private static Receiver httpsReceiver(ElectionFiles files, Path tallyDir, int port, ServerCertificate server) {
        return Receiver.start(files, tallyDir.resolve("https.db"), port, TlsContexts.context(
                Pem.readPrivateKey(server.key()), Pem.readCertificate(server.certificate()), List.of()), null, null,
                Clock.systemUTC());
    }

    private static int extra(Receiver r) {
        return r.copies().values().stream().mapToInt(c -> c - 1).sum();
    }

    @Test
    @Timeout(120)
    void a_tally_broker_that_refuses_the_hub_certificate_gets_nothing_and_the_queue_keeps_everything()
            throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        ElectionFiles files = election.files;
        // the tally centre's broker trusts another CA than the election's
        TestElection other = new TestElection(dir.resolve("other"), "tcp://127.0.0.1:1883", Mode.LIVE);
        Path tallyDir = Files.createDirectories(dir.resolve("tally"));
        ServerCertificate server = ServerCertificate.issue(files, tallyDir);
        int tlsPort = Mosquitto.freePort();
        int plainPort = Mosquitto.freePort();
        Path conf = tallyDir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n", "per_listener_settings false", "allow_anonymous true",
                "user " + System.getProperty("user.name"), "listener " + tlsPort + " 127.0.0.1",
                "cafile " + other.files.caCertificate().toAbsolutePath(), "certfile " + server.certificate(),
                "keyfile " + server.key(), "require_certificate true", "listener " + plainPort + " 127.0.0.1", ""));
        String mqtt = "ssl://127.0.0.1:" + tlsPort;
        try (Mosquitto tally = Mosquitto.configured(conf, plainPort);
             MessageStore store = MessageStore.open(dir.resolve("hub.db"));
             ForwardQueue queue = ForwardQueue.open(dir.resolve("hub.db").toString())) {
            tally.start();
            store.forwardTo(List.of(mqtt), Set.of(Topics.TURNOUT));
            RegistryWatch registry = new RegistryWatch(files.registry(), files.crl(),
                    Pem.readCertificate(files.caCertificate()), election.id);
            Intake intake = new Intake(election.election, new Verification(
                    new Authenticator(election.election, registry::current)), store,
                    election.receiptLog(store), TestElection.CLOCK);
            TestElection.Device d = election.device(1);
            for (int n = 1; n <= 5; n++) {
                intake.process(Topics.report(election.id, d.id, Topics.TURNOUT), d.chain(d.sign(d.turnout(n))));
            }
            javax.net.ssl.SSLContext tls = TlsContexts.context(Pem.readPrivateKey(files.hubKey()),
                    Pem.readCertificate(files.hubCertificate()), List.of(Pem.readCertificate(files.caCertificate())));
            try (Forwarder forwarder = new Forwarder(ForwardQueue.open(store.location()),
                    new MqttUpstream(mqtt, election.id, "hub-forward", tls),
                    "hub", election.id, Clock.systemUTC()).start()) {
                Wait.until("the refusal recorded", Duration.ofSeconds(30), () -> queue.lastError(mqtt) != null);
            }
            ForwardQueue.Lag lag = queue.lag(mqtt);
            assertEquals(5, lag.pending(), "nothing is lost while the tally centre refuses the hub: " + lag);
            assertEquals(0, lag.delivered());
            assertTrue(queue.lastError(mqtt) != null, "the failure is recorded for the operators");
        }
    }

    /** Keys both receivers hold at least. */
    private static int atBoth(Receiver a, Receiver b) {
        return Math.min(a.copies().size(), b.copies().size());
    }

    private static void awaitKeys(String what, Supplier<Integer> count, int atLeast) throws InterruptedException {
        Wait.until(what + ": " + atLeast + " keys received", Duration.ofMinutes(4), () -> count.get() >= atLeast);
    }

    /** A TLS server certificate for 127.0.0.1 and localhost, issued by the election CA (the tally centre's). */
    record ServerCertificate(Path certificate, Path key) {
        static ServerCertificate issue(ElectionFiles files, Path dir) {
            ECPrivateKeyParameters key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
            ElectionAuthority authority = ElectionAuthority.load(files, Clock.systemUTC());
            X509CertificateHolder cert = authority.issuer().brokerCertificate(authority.election().id(),
                    List.of("127.0.0.1", "localhost"), Keys.publicOf(key), java.time.Instant.now().minusSeconds(60),
                    Duration.ofDays(30));
            Path certificate = dir.resolve("server.pem");
            Path keyFile = dir.resolve("server.key");
            Pem.writeCertificate(certificate, cert);
            Pem.writePrivateKey(keyFile, key);
            return new ServerCertificate(certificate, keyFile);
        }
    }
}
