package org.rts.provisioning.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.ProvisioningException;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.election.ElectionSetup;

class KafkaSetupTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T09:00:00Z"), ZoneOffset.UTC);
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final List<String> THREE = List.of("kafka1.example.org:9093", "10.0.0.2:9093",
            "kafka3.example.org:9093");
    private static final List<String> CLIENTS = List.of("bridge-edge1", "hub-1");

    @TempDir
    Path dir;

    private ElectionFiles files;
    private KafkaSetup setup;

    @BeforeEach
    void setUp() {
        files = election(dir.resolve("el"), CLOCK);
        setup = new KafkaSetup(ElectionAuthority.load(files, CLOCK));
    }

    private static ElectionFiles election(Path where, Clock clock) {
        ElectionFiles f = new ElectionFiles(where);
        new ElectionSetup(clock).create(f, new Election("el-1", "Election", Mode.LIVE,
                List.of(new Race("r", "Race", List.of(new Candidate("a", "A")))),
                List.of(new Station("S-1", "One", 100)), null));
        return f;
    }

    private KafkaSetup.Result write(List<String> nodes, List<String> clients) {
        return setup.write(KafkaNode.parse(nodes, 1), clients, null, null);
    }

    @Test
    void node_certificates_chain_to_the_ca_cover_their_host_and_serve_and_connect() throws Exception {
        write(THREE, CLIENTS);
        Path kafka = files.kafka();
        X509Certificate ca = certificates(kafka.resolve("ca.pem")).get(0);
        assertEquals(ca, certificates(files.caCertificate()).get(0), "kafka/ca.pem is the election CA");
        List<Set<String>> sans = List.of(Set.of("2:kafka1.example.org", "6:urn:rts:el-1:kafka:node-1"),
                Set.of("7:10.0.0.2", "6:urn:rts:el-1:kafka:node-2"),
                Set.of("2:kafka3.example.org", "6:urn:rts:el-1:kafka:node-3"));
        for (int id = 1; id <= 3; id++) {
            Path node = kafka.resolve("node-" + id);
            List<X509Certificate> chain = certificates(node.resolve("keystore.pem"));
            assertEquals(2, chain.size(), "the node's certificate, then the CA");
            assertEquals(ca, chain.get(1));
            assertEquals(ca, certificates(node.resolve("ca.pem")).get(0));
            validates(chain.get(0), ca);
            X509Certificate cert = chain.get(0);
            assertEquals("CN=node-" + id + ",OU=kafka,O=Election el-1", cert.getSubjectX500Principal().getName());
            assertEquals(sans.get(id - 1), sans(cert));
            assertEquals(List.of(SERVER_AUTH, CLIENT_AUTH), cert.getExtendedKeyUsage());
            assertTrue(cert.getKeyUsage()[0], "digitalSignature");
        }
    }

    @Test
    void client_certificates_are_tls_clients_named_by_their_cn() throws Exception {
        write(THREE, CLIENTS);
        X509Certificate ca = certificates(files.kafka().resolve("ca.pem")).get(0);
        for (String client : CLIENTS) {
            Path folder = files.kafka().resolve("clients").resolve(client);
            List<X509Certificate> chain = certificates(folder.resolve("keystore.pem"));
            validates(chain.get(0), ca);
            assertEquals(ca, chain.get(1));
            assertEquals("CN=" + client + ",OU=kafka,O=Election el-1",
                    chain.get(0).getSubjectX500Principal().getName());
            assertEquals(Set.of("6:urn:rts:el-1:kafka:" + client), sans(chain.get(0)));
            assertEquals(List.of(CLIENT_AUTH), chain.get(0).getExtendedKeyUsage());
        }
    }

    @Test
    void each_keystore_is_an_owner_only_pkcs8_key_with_its_certificate_as_kafka_loads_it() throws Exception {
        write(THREE, CLIENTS);
        for (Path keystore : List.of(files.kafka().resolve("node-1/keystore.pem"),
                files.kafka().resolve("clients/hub-1/keystore.pem"))) {
            String text = Files.readString(keystore);
            assertTrue(text.startsWith("-----BEGIN PRIVATE KEY-----\n"), text.lines().findFirst().orElse(""));
            assertEquals(1, Pattern.compile("-----BEGIN PRIVATE KEY-----").matcher(text).results().count());
            assertEquals(2, Pattern.compile("-----BEGIN CERTIFICATE-----").matcher(text).results().count());
            assertFalse(text.contains("ENCRYPTED") || text.contains("EC PRIVATE KEY"));
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(keystore)));
            // as Kafka's PEM key store does without ssl.key.password: PKCS#8, then a PKCS12 entry with no password
            KeyStore store = kafkaKeyStore(text);
            X509Certificate cert = (X509Certificate) store.getCertificate("kafka");
            ECPrivateKeyParameters key = Pem.readPrivateKey(keystore);
            assertArrayEquals(Keys.publicKeyInfo(Keys.publicOf(key)).getEncoded(), cert.getPublicKey().getEncoded(),
                    "the key is the certificate's");
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, null);
            assertEquals(1, kmf.getKeyManagers().length);
        }
    }

    @Test
    @Timeout(30)
    void a_client_and_a_node_complete_mutual_tls_with_the_host_checked() throws Exception {
        // TLS checks the certificates' dates against the real clock
        ElectionFiles now = election(dir.resolve("now"), Clock.systemUTC());
        new KafkaSetup(ElectionAuthority.load(now, Clock.systemUTC()))
                .write(KafkaNode.parse(List.of("localhost:9093"), 1), List.of("bridge-edge1"), null, null);
        SSLContext node = context(now.kafka().resolve("node-1"));
        SSLContext client = context(now.kafka().resolve("clients/bridge-edge1"));
        try (SSLServerSocket server = (SSLServerSocket) node.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setNeedClientAuth(true);
            var accepted = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.startHandshake();
                    return s.getSession().getPeerPrincipal().getName();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("localhost", server.getLocalPort())) {
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // ssl.endpoint.identification.algorithm=https
                s.setSSLParameters(p);
                s.startHandshake();
                assertEquals("CN=node-1,OU=kafka,O=Election el-1", s.getSession().getPeerPrincipal().getName());
            }
            assertEquals("CN=bridge-edge1,OU=kafka,O=Election el-1", accepted.get());
        }
    }

    @Test
    void the_principal_rule_gives_a_kafka_certificate_its_cn_and_a_unit_certificate_nothing() {
        Matcher rule = Pattern.compile("RULE:(.*)/(.*)/,DEFAULT").matcher(KafkaSetup.PRINCIPAL_RULES);
        assertTrue(rule.matches(), KafkaSetup.PRINCIPAL_RULES);
        Pattern pattern = Pattern.compile(rule.group(1));
        ElectionAuthority authority = ElectionAuthority.load(files, CLOCK);
        var key = Keys.publicOf((ECPrivateKeyParameters) Keys.generate().getPrivate());
        var bridge = authority.issuer().kafkaClientCertificate("el-1", "bridge-edge1", key, CLOCK.instant(),
                Duration.ofDays(1));
        var unit = authority.issuer().deviceCertificate("el-1", "bridge-edge1", "S-1", key, CLOCK.instant(),
                Duration.ofDays(1));
        Matcher m = pattern.matcher(rfc2253(bridge));
        assertTrue(m.matches(), rfc2253(bridge));
        assertEquals("bridge-edge1", m.replaceAll(rule.group(2)));
        assertFalse(pattern.matcher(rfc2253(unit)).matches(), "a unit named like a bridge is not the bridge");
    }

    @Test
    void server_properties_name_the_files_ports_quorum_and_replication() throws Exception {
        write(THREE, CLIENTS);
        Path folder = files.kafka().resolve("node-2").toAbsolutePath();
        Properties p = properties(folder.resolve("server.properties"));
        assertEquals("broker,controller", p.getProperty("process.roles"));
        assertEquals("2", p.getProperty("node.id"));
        assertEquals("1@kafka1.example.org:9094,2@10.0.0.2:9094,3@kafka3.example.org:9094",
                p.getProperty("controller.quorum.voters"));
        assertEquals("SSL://:9093,CONTROLLER://:9094", p.getProperty("listeners"));
        assertEquals("SSL://10.0.0.2:9093", p.getProperty("advertised.listeners"));
        assertEquals("SSL", p.getProperty("inter.broker.listener.name"));
        assertEquals("CONTROLLER", p.getProperty("controller.listener.names"));
        assertEquals("SSL:SSL,CONTROLLER:SSL", p.getProperty("listener.security.protocol.map"));
        assertEquals(folder.resolve("data").toString(), p.getProperty("log.dirs"));
        assertEquals("required", p.getProperty("ssl.client.auth"));
        assertEquals("PEM", p.getProperty("ssl.keystore.type"));
        assertEquals(folder.resolve("keystore.pem").toString(), p.getProperty("ssl.keystore.location"));
        assertEquals("PEM", p.getProperty("ssl.truststore.type"));
        assertEquals(folder.resolve("ca.pem").toString(), p.getProperty("ssl.truststore.location"));
        assertNull(p.getProperty("ssl.key.password"), "the PKCS#8 key is read without a password");
        assertNull(p.getProperty("ssl.keystore.password"), "Kafka refuses a store password with PEM");
        assertEquals("https", p.getProperty("ssl.endpoint.identification.algorithm"));
        assertEquals("org.apache.kafka.metadata.authorizer.StandardAuthorizer", p.getProperty("authorizer.class.name"));
        assertEquals("User:node-1;User:node-2;User:node-3;User:bridge-edge1;User:hub-1", p.getProperty("super.users"));
        assertEquals("false", p.getProperty("allow.everyone.if.no.acl.found"));
        assertEquals(KafkaSetup.PRINCIPAL_RULES, p.getProperty("ssl.principal.mapping.rules"));
        for (String three : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "share.coordinator.state.topic.replication.factor", "default.replication.factor")) {
            assertEquals("3", p.getProperty(three), three);
        }
        for (String two : List.of("transaction.state.log.min.isr", "share.coordinator.state.topic.min.isr",
                "min.insync.replicas")) {
            assertEquals("2", p.getProperty(two), two);
        }
        assertEquals("false", p.getProperty("auto.create.topics.enable"));
    }

    @Test
    void client_properties_list_every_node_and_the_client_files() throws Exception {
        write(THREE, CLIENTS);
        Path folder = files.kafka().resolve("clients/bridge-edge1").toAbsolutePath();
        Properties p = properties(folder.resolve("client.properties"));
        assertEquals("kafka1.example.org:9093,10.0.0.2:9093,kafka3.example.org:9093",
                p.getProperty("bootstrap.servers"));
        assertEquals("SSL", p.getProperty("security.protocol"));
        assertEquals("PEM", p.getProperty("ssl.keystore.type"));
        assertEquals(folder.resolve("keystore.pem").toString(), p.getProperty("ssl.keystore.location"));
        assertEquals("PEM", p.getProperty("ssl.truststore.type"));
        assertEquals(folder.resolve("ca.pem").toString(), p.getProperty("ssl.truststore.location"));
        assertEquals("https", p.getProperty("ssl.endpoint.identification.algorithm"));
        assertTrue(Files.exists(Path.of(p.getProperty("ssl.keystore.location"))));
        assertTrue(Files.exists(Path.of(p.getProperty("ssl.truststore.location"))));
    }

    @Test
    void paths_on_the_hosts_and_a_small_cluster_are_written_as_given() throws Exception {
        setup.write(KafkaNode.parse(List.of("[2001:db8::1]:9093"), 100), List.of(), Path.of("/etc/kafka/rts"),
                Path.of("/var/lib/kafka"));
        Properties p = properties(files.kafka().resolve("node-1/server.properties"));
        assertEquals("/etc/kafka/rts/keystore.pem", p.getProperty("ssl.keystore.location"));
        assertEquals("/etc/kafka/rts/ca.pem", p.getProperty("ssl.truststore.location"));
        assertEquals("/var/lib/kafka", p.getProperty("log.dirs"));
        assertEquals("1@[2001:db8::1]:9193", p.getProperty("controller.quorum.voters"));
        assertEquals("SSL://[2001:db8::1]:9093", p.getProperty("advertised.listeners"));
        assertEquals("User:node-1", p.getProperty("super.users"));
        assertEquals("1", p.getProperty("default.replication.factor"));
        assertEquals("1", p.getProperty("min.insync.replicas"));
        assertEquals("1", p.getProperty("transaction.state.log.min.isr"));
        assertEquals(Set.of("7:2001:db8:0:0:0:0:0:1", "6:urn:rts:el-1:kafka:node-1"),
                sans(certificates(files.kafka().resolve("node-1/keystore.pem")).get(0)));
    }

    @Test
    void running_again_keeps_keys_certificates_and_the_cluster_id() throws Exception {
        KafkaSetup.Result first = write(THREE, CLIENTS);
        assertFalse(first.clusterIdKept());
        assertTrue(first.clusterId().matches("[A-Za-z0-9_][A-Za-z0-9_-]{21}"), first.clusterId());
        assertEquals(16, Base64.getUrlDecoder().decode(first.clusterId()).length);
        assertEquals(first.clusterId() + "\n", Files.readString(files.kafka().resolve("cluster.id")));
        byte[] node1 = Files.readAllBytes(files.kafka().resolve("node-1/keystore.pem"));
        byte[] hub1 = Files.readAllBytes(files.kafka().resolve("clients/hub-1/keystore.pem"));

        KafkaSetup.Result again = write(THREE, List.of("bridge-edge1", "hub-1", "bridge-edge2"));
        assertTrue(again.clusterIdKept());
        assertEquals(first.clusterId(), again.clusterId());
        assertEquals(List.of(KafkaSetup.Status.KEPT, KafkaSetup.Status.KEPT, KafkaSetup.Status.KEPT,
                KafkaSetup.Status.KEPT, KafkaSetup.Status.KEPT, KafkaSetup.Status.WRITTEN), statuses(again));
        assertArrayEquals(node1, Files.readAllBytes(files.kafka().resolve("node-1/keystore.pem")));
        assertArrayEquals(hub1, Files.readAllBytes(files.kafka().resolve("clients/hub-1/keystore.pem")));
        assertTrue(properties(files.kafka().resolve("node-1/server.properties")).getProperty("super.users")
                .endsWith(";User:bridge-edge2"), "the new client is let in");
    }

    @Test
    void a_node_that_moves_keeps_its_key_and_gets_a_certificate_for_its_new_host() throws Exception {
        write(THREE, CLIENTS);
        Path keystore = files.kafka().resolve("node-2/keystore.pem");
        ECPrivateKeyParameters before = Pem.readPrivateKey(keystore);
        KafkaSetup.Result moved = write(List.of("kafka1.example.org:9093", "kafka2.example.org:9093",
                "kafka3.example.org:9093"), CLIENTS);
        assertEquals(KafkaSetup.Status.KEPT, moved.nodeFolders().get(0).status());
        assertEquals(KafkaSetup.Status.RENEWED, moved.nodeFolders().get(1).status());
        assertEquals(before.getD(), Pem.readPrivateKey(keystore).getD(), "same key");
        assertEquals(Set.of("2:kafka2.example.org", "6:urn:rts:el-1:kafka:node-2"),
                sans(certificates(keystore).get(0)));
        assertTrue(Files.readString(keystore).startsWith("-----BEGIN PRIVATE KEY-----"));
    }

    @Test
    void a_garbled_cluster_id_is_refused_not_replaced() throws Exception {
        write(THREE, CLIENTS);
        Files.writeString(files.kafka().resolve("cluster.id"), "not-an-id\n");
        ProvisioningException e = assertThrows(ProvisioningException.class, () -> write(THREE, CLIENTS));
        assertTrue(e.getMessage().contains("not a Kafka cluster id"), e.getMessage());
        assertEquals("not-an-id\n", Files.readString(files.kafka().resolve("cluster.id")));
    }

    @Test
    void refuses_reserved_invalid_and_repeated_client_names() {
        for (String bad : List.of("hub", "node-2", "bridge/edge1", "")) {
            ProvisioningException e = assertThrows(ProvisioningException.class, () -> write(THREE, List.of(bad)));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> write(THREE, List.of("hub-1", "hub-1")));
        assertEquals("client hub-1 is given twice", e.getMessage());
        assertFalse(Files.exists(files.kafka()), "nothing written");
    }

    @Test
    void cluster_ids_are_random_and_never_look_like_an_option() {
        Set<String> ids = java.util.stream.IntStream.range(0, 200).mapToObj(i -> KafkaSetup.newClusterId())
                .collect(Collectors.toSet());
        assertEquals(200, ids.size());
        assertTrue(ids.stream().noneMatch(id -> id.startsWith("-") || id.length() != 22), ids.toString());
        assertNotEquals(KafkaSetup.newClusterId(), KafkaSetup.newClusterId());
    }

    private static List<KafkaSetup.Status> statuses(KafkaSetup.Result r) {
        return java.util.stream.Stream.concat(r.nodeFolders().stream(), r.clientFolders().stream())
                .map(KafkaSetup.Written::status).toList();
    }

    private static String rfc2253(org.bouncycastle.cert.X509CertificateHolder cert) {
        try {
            return new X500Principal(cert.getSubject().getEncoded()).getName();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<X509Certificate> certificates(Path pem) throws Exception {
        return certificates(Files.readString(pem));
    }

    /** The CERTIFICATE blocks of a PEM text, in order, each parsed by the JDK as Kafka's PEM stores do. */
    private static List<X509Certificate> certificates(String pem) throws Exception {
        Matcher block = Pattern.compile("-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----").matcher(pem);
        List<X509Certificate> certs = new java.util.ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        while (block.find()) {
            certs.add((X509Certificate) factory.generateCertificate(
                    new ByteArrayInputStream(Base64.getMimeDecoder().decode(block.group(1)))));
        }
        return certs;
    }

    private static void validates(X509Certificate cert, X509Certificate ca) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(CLOCK.instant()));
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
    }

    /** Subject alternative names as "type:value" (2 DNS, 6 URI, 7 IP address). */
    private static Set<String> sans(X509Certificate cert) throws Exception {
        return cert.getSubjectAlternativeNames().stream().map(n -> n.get(0) + ":" + n.get(1))
                .collect(Collectors.toSet());
    }

    private static Properties properties(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    /** The key store Kafka builds from a PEM file with no key password: PKCS#8 key, the chain, no password. */
    private static KeyStore kafkaKeyStore(String pem) throws Exception {
        Matcher key = Pattern.compile("-----BEGIN PRIVATE KEY-----([^-]*)-----END PRIVATE KEY-----").matcher(pem);
        assertTrue(key.find(), "a PKCS#8 private key");
        byte[] der = Base64.getMimeDecoder().decode(key.group(1));
        PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        Certificate[] chain = certificates(pem).toArray(Certificate[]::new);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("kafka", privateKey, null, chain);
        return store;
    }

    private static SSLContext context(Path folder) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(kafkaKeyStore(Files.readString(folder.resolve("keystore.pem"))), null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificates(folder.resolve("ca.pem")).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
