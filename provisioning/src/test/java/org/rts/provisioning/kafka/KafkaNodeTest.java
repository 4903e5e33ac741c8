package org.rts.provisioning.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rts.provisioning.ProvisioningException;

class KafkaNodeTest {
    @Test
    void nodes_are_numbered_in_the_order_given_with_their_controller_port_beside() {
        List<KafkaNode> nodes = KafkaNode.parse(List.of("kafka1.example.org:9093", " 10.0.0.2:9093",
                "[2001:db8::3]:9093"), 1);
        assertEquals(List.of(new KafkaNode(1, "kafka1.example.org", 9093, 9094),
                new KafkaNode(2, "10.0.0.2", 9093, 9094), new KafkaNode(3, "2001:db8::3", 9093, 9094)), nodes);
        assertEquals("node-3", nodes.get(2).name());
        assertEquals("[2001:db8::3]:9094", nodes.get(2).address(9094));
        assertEquals(List.of(new KafkaNode(1, "localhost", 9093, 9083)),
                KafkaNode.parse(List.of("localhost:9093"), -10));
    }

    @Test
    void nodes_on_one_host_need_ports_apart() {
        assertEquals(2, KafkaNode.parse(List.of("localhost:9093", "localhost:9193"), 1).size());
        assertEquals(2, KafkaNode.parse(List.of("a.example:9093", "b.example:9093"), 1).size());
    }

    @Test
    void a_node_without_a_port_is_refused_with_an_example() {
        for (String bad : List.of("kafka1.example.org", "kafka1.example.org:", ":9093", "2001:db8::1:9093",
                "kafka1:90a3", "kafka_1:9093")) {
            ProvisioningException e = assertThrows(ProvisioningException.class,
                    () -> KafkaNode.parse(List.of("k0:9093", bad), 1));
            assertEquals("--node '" + bad + "' must be HOST:PORT, the name or address clients reach the node by and"
                    + " its TLS port, e.g. kafka1.example.org:9093 or [2001:db8::1]:9093", e.getMessage());
        }
    }

    @Test
    void a_node_given_twice_is_refused() {
        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> KafkaNode.parse(List.of("kafka1.example.org:9093", "KAFKA1.example.org:9093"), 1));
        assertEquals("node 2's port KAFKA1.example.org:9093 is already node 1's port: give each node once, with"
                + " ports apart by more than the controller port offset", e.getMessage());
    }

    @Test
    void a_port_that_is_another_nodes_controller_port_is_refused() {
        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> KafkaNode.parse(List.of("localhost:9093", "localhost:9094"), 1));
        assertTrue(e.getMessage().startsWith("node 2's port localhost:9094 is already node 1's controller port"),
                e.getMessage());
    }

    @Test
    void no_node_ports_out_of_range_and_a_zero_offset_are_refused() {
        assertEquals("no Kafka node given: name each with --node HOST:PORT, e.g. --node kafka1.example.org:9093",
                assertThrows(ProvisioningException.class, () -> KafkaNode.parse(List.of(), 1)).getMessage());
        assertEquals("node 1 port must be 1..65535, found: 70000", assertThrows(ProvisioningException.class,
                () -> KafkaNode.parse(List.of("k:70000"), 1)).getMessage());
        assertEquals("node 1 controller port must be 1..65535, found: 65536", assertThrows(ProvisioningException.class,
                () -> KafkaNode.parse(List.of("k:65535"), 1)).getMessage());
        assertTrue(assertThrows(ProvisioningException.class, () -> KafkaNode.parse(List.of("k:9093"), 0))
                .getMessage().startsWith("the controller port offset must not be 0"));
    }
}
