package org.rts.provisioning.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.provisioning.ProvisioningMain;

class KafkaCommandTest {
    @TempDir
    Path dir;

    @Test
    void writes_the_cluster_then_keeps_it_and_prints_how_to_start_each_node() throws Exception {
        String election = init();
        String[] args = {"kafka", "--dir", election, "--node", "kafka1.example.org:9093", "--node",
                "kafka2.example.org:9093", "--node", "kafka3.example.org:9093", "--client", "bridge-edge1", "--client",
                "hub-1"};
        String first = run(0, args).out();
        String id = Files.readString(Path.of(election, "kafka", "cluster.id")).trim();
        assertTrue(first.contains("cluster id " + id + " (written to "), first);
        assertTrue(first.contains("node 2 kafka2.example.org:9093 (controller port 9094): key and certificate"
                + " written"), first);
        assertTrue(first.contains("client hub-1: key and certificate written"), first);
        Path properties = Path.of(election, "kafka", "node-3", "server.properties").toAbsolutePath();
        assertTrue(first.contains("kafka-storage.sh format --cluster-id " + id + " --config " + properties), first);
        assertTrue(first.contains("kafka-server-start.sh " + properties), first);

        String again = run(0, args).out();
        assertTrue(again.contains("cluster id " + id + " (kept from "), again);
        assertTrue(again.contains("node 1 kafka1.example.org:9093 (controller port 9094): key and certificate kept"),
                again);
        assertTrue(again.contains("client bridge-edge1: key and certificate kept"), again);
        assertFalse(again.contains("written in"), again);
    }

    @Test
    void bad_nodes_get_one_clear_line_and_no_nodes_the_usage() throws Exception {
        String election = init();
        Output noPort = run(1, "kafka", "--dir", election, "--node", "kafka1.example.org");
        assertTrue(noPort.err().startsWith("provisioning: --node 'kafka1.example.org' must be HOST:PORT"),
                noPort.err());
        assertEquals(1, noPort.err().lines().count());
        Output twice = run(1, "kafka", "--dir", election, "--node", "k1:9093", "--node", "k1:9093");
        assertTrue(twice.err().startsWith("provisioning: node 2's port k1:9093 is already node 1's port"),
                twice.err());
        Output none = run(2, "kafka", "--dir", election, "--client", "hub-1");
        assertTrue(none.err().contains("Missing required option: '--node=HOST:PORT'"), none.err());
        assertFalse(Files.exists(Path.of(election, "kafka")), "nothing written");
    }

    private String init() {
        String election = dir.resolve("el").toString();
        run(0, "init", "--dir", election, "--ballot", Path.of("../examples/ballot.json").toString());
        return election;
    }

    private record Output(String out, String err) {
    }

    private static Output run(int code, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            assertEquals(code, ProvisioningMain.run(args), () -> e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Output(o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }
}
