package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.rts.demo.load.Fleet;
import org.rts.demo.load.HubProcess;
import org.rts.demo.load.KafkaCluster;
import org.rts.demo.load.Mosquitto;
import org.rts.demo.load.Traffic;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.TestDatabase;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;

/**
 * The national deployment on loopback: two Mosquitto edges, a bridge per edge, a three-node Kafka cluster (KRaft,
 * TLS with certificates from the election CA) and three hubs in one consumer group over one PostgreSQL store. Each
 * test sends a burst through both edges and kills one part (a hub, a Kafka node, an edge) with SIGKILL in the
 * middle of it; every message must be accepted exactly once, every chain whole and every receipt genuine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaHubsIT {
    private static final int UNITS = 60;
    private static final int PER_UNIT = 10;

    private Path dir;
    private Fleet fleet;
    private TestDatabase database;
    private KafkaCluster kafka;
    private final List<Mosquitto> edges = new ArrayList<>();
    private final List<HubProcess> bridges = new ArrayList<>();
    private final HubProcess[] hubs = new HubProcess[3];
    private Path bridgeClient;
    private Path hubClient;

    @BeforeAll
    void start(@TempDir Path temp) throws Exception {
        dir = temp;
        fleet = Fleet.create(dir.resolve("election"), UNITS);
        database = new TestDatabase();
        kafka = KafkaCluster.onLoopback(fleet.files(), 3, List.of("hubs", "bridge")).start();
        bridgeClient = kafka.clientSettings("bridge");
        hubClient = kafka.clientSettings("hubs");
        for (int e = 1; e <= 2; e++) {
            Mosquitto edge = Mosquitto.forElection(dir.resolve("edge" + e), UNITS, PER_UNIT);
            edge.start();
            edges.add(edge);
        }
        for (int e = 1; e <= 2; e++) {
            startBridge(e);
        }
        for (int h = 0; h < 3; h++) {
            startHub(h);
        }
    }

    private void startBridge(int e) throws Exception {
        Path election = fleet.files().dir();
        HubProcess bridge = new HubProcess(dir.resolve("bridge" + e + ".log"), List.of("bridge", "--election",
                election.toString(), "--broker", edges.get(e - 1).url(), "--edge", "e" + e, "--kafka",
                bridgeClient.toString())).start();
        bridge.awaitConnected(election.resolve("rts-bridge-e" + e + ".health.json"));
        bridges.add(bridge);
    }

    private void startHub(int h) throws Exception {
        Path election = fleet.files().dir();
        hubs[h] = new HubProcess(dir.resolve("hub" + h + ".log"), List.of("run", "--election", election.toString(),
                "--kafka", hubClient.toString(), "--edge", "e1=" + edges.get(0).url(), "--edge",
                "e2=" + edges.get(1).url(), "--store", database.url(), "--client-id", "hub-" + h, "--rate-burst",
                "1000000", "--rate", "1000000")).start();
        hubs[h].awaitConnected(election.resolve("hub-" + h + ".health.json"));
    }

    @AfterAll
    void stop() throws Exception {
        for (HubProcess h : hubs) {
            if (h != null) {
                h.close();
            }
        }
        for (HubProcess b : bridges) {
            b.close();
        }
        for (Mosquitto e : edges) {
            e.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (database != null) {
            database.close();
        }
    }

    /** A burst through both edges, half the units on each; {@code midway} runs once a third is answered. */
    private void burst(String what, Executable midway) throws Throwable {
        burst(what, midway, false);
    }

    /** ... and with {@code failover}, each half's units move to the other edge when theirs fails. */
    private void burst(String what, Executable midway, boolean failover) throws Throwable {
        List<Fleet.Message> burst = fleet.sign(PER_UNIT);
        List<List<Fleet.Message>> halves = List.of(new ArrayList<>(), new ArrayList<>());
        burst.forEach(m -> halves.get(Integer.parseInt(m.unit().id().substring(5)) % 2).add(m));
        String id = fleet.election().id();
        String one = edges.get(0).url();
        String two = edges.get(1).url();
        try (Traffic a = new Traffic(failover ? List.of(one, two) : List.of(one), id, 2, 4, Duration.ofSeconds(20));
             Traffic b = new Traffic(failover ? List.of(two, one) : List.of(two), id, 2, 4, Duration.ofSeconds(20))) {
            a.send(halves.get(0));
            b.send(halves.get(1));
            assertTrue(a.awaitAnswers(halves.get(0).size() / 3, Duration.ofMinutes(3)), "a third answered");
            midway.execute();
            long killed = System.nanoTime();
            assertTrue(a.awaitAnswers(halves.get(0).size(), Duration.ofMinutes(5))
                    && b.awaitAnswers(halves.get(1).size(), Duration.ofMinutes(5)), () -> a.outcomes().size() + " + "
                    + b.outcomes().size() + " of " + burst.size() + " answered after " + what + "; logs in " + dir);
            List<Traffic.Outcome> all = new ArrayList<>(a.outcomes());
            all.addAll(b.outcomes());
            List<Traffic.Outcome> accepted = all.stream().filter(o -> o.receipt().accepted()
                    && o.receipt().chained()).toList();
            assertEquals(burst.size(), accepted.size(), () -> "all accepted after " + what + "; the others: "
                    + all.stream().filter(o -> !o.receipt().accepted()).map(o -> o.message().unit().id() + " seq "
                    + o.message().seq() + ": " + o.receipt().reasons()).limit(20).toList());
            var hubKey = Certificates.publicKey(Pem.readCertificate(fleet.files().hubCertificate()));
            assertEquals(burst.size(), Traffic.genuine(accepted, hubKey, id), "every receipt genuine");
            long longest = all.stream().mapToLong(o -> o.answeredNanos() - killed).max()
                    .orElse(0);
            System.out.printf("after %s: %d messages accepted, the last receipt %.1f s after it, %d resent%n",
                    what, accepted.size(), longest / 1e9, a.resends() + b.resends());
        }
        try (MessageStore db = MessageStore.open(database.url())) {
            for (Fleet.Unit u : fleet.units()) {
                assertEquals(u.seq(), db.head(u.id()).seq(), u.id() + "'s chain is whole");
            }
            assertEquals(fleet.units().stream().mapToLong(Fleet.Unit::seq).sum(),
                    (long) db.inboundCounts().get("ACCEPTED"), "each message chained once");
        }
    }

    @Test
    @Order(1)
    @Timeout(600)
    void one_of_three_hubs_killed_mid_burst_every_message_accepted_once() throws Throwable {
        burst("hub-0 was killed", () -> {
            hubs[0].kill();
            hubs[0] = null;
        });
        startHub(0);
    }

    @Test
    @Order(2)
    @Timeout(600)
    void one_of_three_kafka_nodes_killed_mid_burst_nothing_lost() throws Throwable {
        burst("Kafka node 2 was killed", () -> kafka.kill(1));
        kafka.startNode(1);
        kafka.awaitNodes(3, Duration.ofMinutes(2));
    }

    @Test
    @Order(3)
    @Timeout(600)
    void one_of_two_edges_killed_mid_burst_its_units_move_to_the_other_and_are_answered() throws Throwable {
        burst("edge 1 was killed", () -> edges.get(0).kill(), true);
        edges.get(0).restart();
    }

    @Test
    @Order(4)
    void a_client_without_a_certificate_of_the_election_is_refused() throws Exception {
        Properties anonymous = new Properties();
        anonymous.put("bootstrap.servers", kafka.bootstrap());
        anonymous.put("security.protocol", "SSL");
        anonymous.put("ssl.truststore.type", "PEM");
        anonymous.put("ssl.truststore.location", KafkaCluster.read(hubClient).getProperty("ssl.truststore.location"));
        Throwable noCertificate = KafkaCluster.refusal(anonymous);
        assertTrue(noCertificate instanceof org.apache.kafka.common.errors.SslAuthenticationException,
                () -> "a client with no certificate is refused in the TLS handshake: " + noCertificate);
        Properties plain = new Properties();
        plain.put("bootstrap.servers", kafka.bootstrap());
        assertTrue(KafkaCluster.refusal(plain) != null, "a plaintext client is not answered");
        assertEquals(null, KafkaCluster.refusal(KafkaCluster.read(hubClient)), "the hub's certificate is taken");
    }
}
