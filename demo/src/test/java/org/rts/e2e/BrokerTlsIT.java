package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.AgentMain;
import org.rts.demo.RawDevice;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.store.PhotoStore;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.Topics;
import org.rts.protocol.election.Election;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Photo;
import org.rts.protocol.message.PhotoPiece;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Crl;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.TlsContexts;
import org.rts.provisioning.ProvisioningMain;
import org.rts.provisioning.election.ElectionAuthority;

/**
 * A real Mosquitto running the configuration provisioning wrote: mutual TLS with the election CA, the CRL, and a
 * per-device ACL.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BrokerTlsIT {
    private static final Duration STEP = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private TestElection election;
    private String url;
    private Mosquitto broker;
    private Hub hub;

    @BeforeEach
    void setUp() throws Exception {
        int port = Mosquitto.freePort();
        url = "ssl://localhost:" + port;
        election = new TestElection(dir.resolve("election"), url, Mode.LIVE, Clock.systemUTC());
        Units.ready(election, 3);
        assertEquals(0, ProvisioningMain.run("broker", "--dir", election.files.dir().toString(), "--host",
                "localhost", "--host", "127.0.0.1", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--run-as", "root"));
        broker = Mosquitto.configured(election.files.broker().resolve("mosquitto.conf"), port);
        broker.start();
        hub = startHub();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (hub != null) {
            hub.close();
        }
        broker.close();
    }

    private Hub startHub() throws InterruptedException {
        Hub started = Hub.start(HubConfig.of(election.files, url, dir.resolve("hub.db"), "it-hub-tls")
                .withSessionExpiry(Duration.ofMinutes(2)), Clock.systemUTC());
        Wait.until("the hub is subscribed over TLS", STEP, started::isConnected);
        return started;
    }

    private Path bundle(int n) {
        return election.files.bundle("dev-" + n).dir();
    }

    private SSLSocketFactory tlsOf(int n) {
        var b = election.files.bundle("dev-" + n);
        return TlsContexts.client(Pem.readPrivateKey(b.deviceKey()), Pem.readCertificate(b.deviceCertificate()),
                Pem.readCertificate(b.caCertificate()));
    }

    private RawDevice connect(String deviceId, SSLSocketFactory tls) throws MqttException {
        return new RawDevice(election.id, url, deviceId, election.files.hubCertificate(), tls);
    }

    private Path tally(int n, int registered) throws Exception {
        Path csv = dir.resolve("S-" + n + ".csv");
        Files.writeString(csv, String.join("\n", "race,parliament", "registered," + registered, "received,420",
                "unused,18", "spoiled,2", "inBox,400", "invalid,10", "a,200", "b,120", "c,70"));
        return csv;
    }

    @Test
    void an_enrolled_device_transmits_end_to_end_over_mutual_tls() throws Exception {
        assertEquals(AgentMain.ACCEPTED, AgentMain.run("result", "--bundle", bundle(1).toString(), "--file",
                tally(1, 500).toString(), "--wait", "60"));
        assertEquals(1, hub.store().results(election.id).size());
    }

    /**
     * The photo travels on topics of its own through the ACL provisioning wrote: a unit sends its own and is answered
     * on its own, and cannot send a piece as another unit.
     */
    @Test
    void a_units_form_photo_goes_to_the_hub_through_the_acl_after_its_result() throws Exception {
        hub.close();
        hub = null;
        broker.close();
        for (String file : List.of("hub.db", "hub.db-wal", "hub.db-shm")) {
            Files.deleteIfExists(dir.resolve(file)); // a store of its own for this election
        }
        int port = Mosquitto.freePort();
        url = "ssl://localhost:" + port;
        election = TestElection.withPhotos(dir.resolve("photo-election"), url, Clock.systemUTC(),
                Election.Photos.REQUIRED);
        Units.ready(election, 2);
        assertEquals(0, ProvisioningMain.run("broker", "--dir", election.files.dir().toString(), "--host",
                "localhost", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--run-as", "root"));
        broker = Mosquitto.configured(election.files.broker().resolve("mosquitto.conf"), port);
        broker.start();
        hub = startHub();
        Path jpeg = dir.resolve("form.jpg");
        java.awt.image.BufferedImage noise = new java.awt.image.BufferedImage(1200, 900,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(1);
        for (int y = 0; y < noise.getHeight(); y++) {
            for (int x = 0; x < noise.getWidth(); x++) {
                noise.setRGB(x, y, random.nextInt());
            }
        }
        javax.imageio.ImageIO.write(noise, "jpg", jpeg.toFile());
        assertTrue(Files.size(jpeg) > 10 * PhotoPiece.MAX_DATA, "a photo of many pieces: " + Files.size(jpeg));
        assertEquals(AgentMain.ACCEPTED, AgentMain.run("result", "--bundle", bundle(1).toString(), "--file",
                tally(1, 500).toString(), "--photo", jpeg.toString(), "--wait", "60"));
        String sha = Photo.of(Files.readAllBytes(jpeg)).sha256();
        try (PhotoStore photos = PhotoStore.open(dir.resolve("hub.db").toString())) {
            assertTrue(photos.kept(sha), "kept by the hub before the command returned");
            assertArrayEquals(Files.readAllBytes(jpeg), photos.photo(sha).orElseThrow());
        }
        try (RawDevice other = connect("dev-2", tlsOf(2))) {
            byte[] piece = PhotoPiece.of(sha, Files.readAllBytes(jpeg), 0).encode();
            assertEquals(135, other.publish(Topics.report(election.id, "dev-1", Topics.PHOTO), piece),
                    "a piece as another unit is not authorized");
        }
    }

    @Test
    void clients_without_a_certificate_of_the_election_ca_are_refused() throws Exception {
        X509CertificateHolder ca = Pem.readCertificate(election.files.caCertificate());
        // no client certificate at all
        assertThrows(MqttException.class, () -> connect("dev-1", trustOnly(ca)).close());
        // a self-signed certificate
        ECPrivateKeyParameters key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        var now = java.time.Instant.now().minus(Duration.ofDays(1));
        X509CertificateHolder self = CertificateIssuer.selfSignedCa("dev-1", key, now, Duration.ofDays(30));
        assertThrows(MqttException.class, () -> connect("dev-1", TlsContexts.client(key, self, ca)).close());
        // a certificate for the same device id from another CA
        ECPrivateKeyParameters otherCaKey = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        X509CertificateHolder otherCa = CertificateIssuer.selfSignedCa(election.id, otherCaKey, now,
                Duration.ofDays(30));
        X509CertificateHolder forged = new CertificateIssuer(otherCa, otherCaKey).deviceCertificate(election.id,
                "dev-1", "S-1", Keys.publicOf(key), now, Duration.ofDays(30));
        assertThrows(MqttException.class, () -> connect("dev-1", TlsContexts.client(key, forged, ca)).close());
        // and the enrolled unit itself gets in
        connect("dev-1", tlsOf(1)).close();
    }

    @Test
    void a_device_can_neither_publish_on_nor_read_another_devices_topics() throws Exception {
        try (RawDevice a = connect("dev-1", tlsOf(1))) {
            // Mosquitto grants the subscription and applies the read ACL to every delivery
            var other = a.watch(Topics.receipt(election.id, "dev-2"));
            int code = a.publish(Topics.report(election.id, "dev-2", Topics.RESULT), "posing as dev-2".getBytes());
            assertEquals(135, code, "publishing on dev-2's topic is not authorized");
            // dev-2 transmits and gets its receipt; dev-1 then gets an answer on its own topic, which the broker
            // delivers after anything it would have delivered to dev-1 before
            assertEquals(AgentMain.ACCEPTED, AgentMain.run("result", "--bundle", bundle(2).toString(), "--file",
                    tally(2, 480).toString(), "--wait", "60"));
            var own = a.send(Topics.RESULT, "not a message".getBytes(), STEP);
            assertEquals("MALFORMED", own.reasons().get(0).code());
            assertEquals(0, other.get(), "dev-1 saw none of dev-2's receipts");
        }
        assertEquals(List.of(""), hub.store().inboundReasons("dev-2"), "only dev-2's own result reached the hub");
    }

    @Test
    void a_lapsed_crl_shuts_every_client_out_and_renewing_it_lets_them_back_without_enrolling_anyone_again()
            throws Exception {
        connect("dev-1", tlsOf(1)).close();
        // a CRL as the first versions issued it: 30 days from the last change of the registry, now past
        ElectionAuthority authority = ElectionAuthority.load(election.files, Clock.systemUTC());
        Instant issued = Instant.now().minus(Duration.ofDays(31));
        Path brokerCrl = election.files.broker().resolve("crl.pem");
        Pem.write(brokerCrl, Pem.encode(authority.issuer().crl(Map.of(), authority.crl().number(), issued,
                Duration.ofDays(30))), false);
        broker.restart();
        MqttException refused = assertThrows(MqttException.class, () -> connect("dev-1", tlsOf(1)).close());
        // the broker's TLS alert says "expired" although the unit's certificate is valid for months: it is the CRL
        assertTrue(String.valueOf(refused.getCause()).contains("certificate_expired"), refused.toString());
        Path device = election.files.bundle("dev-1").deviceCertificate();
        assertTrue(Pem.readCertificate(device).isValidOn(new java.util.Date()));
        Path caAndCrl = dir.resolve("ca-and-lapsed-crl.pem");
        Files.writeString(caAndCrl, Files.readString(election.files.caCertificate()) + Files.readString(brokerCrl));
        Process openssl = new ProcessBuilder("openssl", "verify", "-crl_check", "-CAfile", caAndCrl.toString(),
                device.toString()).redirectErrorStream(true).start();
        String verdict = new String(openssl.getInputStream().readAllBytes());
        assertTrue(openssl.waitFor() != 0 && verdict.contains("CRL has expired"), verdict);
        Wait.until("the hub has lost the broker", STEP, () -> !hub.isConnected());

        assertEquals(0, ProvisioningMain.run("renew-crl", "--dir", election.files.dir().toString()));
        assertTrue(Crl.read(brokerCrl, Pem.readCertificate(election.files.caCertificate())).nextUpdate()
                .isAfter(Instant.now().plus(ElectionAuthority.CRL_MINIMUM).minusSeconds(60)));
        broker.restart();
        connect("dev-1", tlsOf(1)).close();
        Wait.until("the hub is back by itself (its reconnection backs off to 30 s)", STEP.multipliedBy(2),
                hub::isConnected);
        assertEquals(AgentMain.ACCEPTED, AgentMain.run("result", "--bundle", bundle(2).toString(), "--file",
                tally(2, 480).toString(), "--wait", "60"), "a unit enrolled before the renewal transmits");
    }

    @Test
    void a_revoked_device_is_rejected_by_the_hub_even_for_queued_messages_and_refused_by_the_broker()
            throws Exception {
        hub.close();
        hub = null; // the broker keeps the hub's session and queues what dev-3 sends
        X509CertificateHolder ca = Pem.readCertificate(election.files.caCertificate());
        var hubTls = TlsContexts.client(Pem.readPrivateKey(election.files.hubKey()),
                Pem.readCertificate(election.files.hubCertificate()), ca);
        CompletableFuture<Integer> officer;
        Path tally = tally(3, 450);
        try (RawDevice watcher = connect("hub", hubTls)) {
            var published = watcher.watch(Topics.report(election.id, "dev-3", Topics.RESULT));
            officer = CompletableFuture.supplyAsync(() -> AgentMain.run("result", "--bundle",
                    bundle(3).toString(), "--file", tally.toString(), "--wait", "120"));
            Wait.until("dev-3's result waits at the broker", STEP, () -> published.get() >= 1);
        }
        assertEquals(0, ProvisioningMain.run("revoke", "--dir", election.files.dir().toString(), "--device",
                "dev-3"));
        hub = startHub();
        assertEquals(AgentMain.HELD, officer.get(120, TimeUnit.SECONDS), "kept on the unit, not counted");
        assertEquals(List.of("DEVICE_REVOKED"), hub.store().inboundReasons("dev-3").stream().distinct().toList(),
                "answered DEVICE_REVOKED, however often the unit sent it again meanwhile");
        assertEquals(List.of(), hub.store().results(election.id));

        broker.restart(); // Mosquitto reads the new CRL at start
        assertThrows(MqttException.class, () -> connect("dev-3", tlsOf(3)).close());
        connect("dev-1", tlsOf(1)).close();
        // the officer of the revoked unit is told so, not that the network is down
        Cli.Result refused = Cli.agent("turnout", "--bundle", bundle(3).toString(), "--voters", "10", "--wait",
                "30");
        assertEquals(AgentMain.BROKER_REFUSED, refused.code(), refused.output());
        assertTrue(refused.output().contains("REFUSED BY THE BROKER") && refused.output().contains("technician"),
                refused.output());
    }

    @Test
    void a_100_MiB_report_is_refused_at_the_broker_and_the_hub_goes_on_answering() throws Exception {
        int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        long size = 100L << 20;
        long written = OversizePublisher.publish(tlsOf(1), "localhost", port, "dev-1@" + election.id,
                Topics.report(election.id, "dev-1", Topics.RESULT), size);
        assertTrue(written < size, "the broker hung up after " + written + " of " + size + " bytes");
        assertEquals(AgentMain.ACCEPTED, AgentMain.run("result", "--bundle", bundle(1).toString(), "--file",
                tally(1, 500).toString(), "--wait", "60"));
        assertEquals(List.of(""), hub.store().inboundReasons("dev-1"), "the hub saw nothing of the 100 MiB");
    }

    private static SSLSocketFactory trustOnly(X509CertificateHolder ca) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", new JcaX509CertificateConverter().getCertificate(ca));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context.getSocketFactory();
    }
}
