package org.rts.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rts.agent.AgentException;

/** The order a unit tries its edge brokers in: its own, stable, and spreading units over the edges. */
class EdgesTest {
    private static final List<String> EDGES = List.of("ssl://edge-1.example:8883", "ssl://edge-2.example:8883",
            "ssl://edge-3.example:8883", "ssl://edge-4.example:8883");
    private static final int UNITS = 4_000;

    @Test
    void a_unit_tries_every_edge_once_in_an_order_of_its_own_whatever_the_order_of_the_file() {
        List<String> order = Edges.order("dev-0001", EDGES);
        assertEquals(new HashSet<>(EDGES), new HashSet<>(order));
        assertEquals(EDGES.size(), order.size());
        assertEquals(order, Edges.order("dev-0001", EDGES.reversed()));
        assertEquals(order, Edges.order("dev-0001", EDGES), "the same order on every start");
    }

    @Test
    void units_start_spread_over_the_edges_and_those_of_a_failed_edge_spread_over_the_others() {
        Map<String, Integer> first = new HashMap<>();
        Map<String, Integer> afterEdge1 = new HashMap<>();
        for (int i = 0; i < UNITS; i++) {
            List<String> order = Edges.order(String.format("dev-%05d", i), EDGES);
            first.merge(order.get(0), 1, Integer::sum);
            if (order.get(0).equals(EDGES.get(0))) {
                afterEdge1.merge(order.get(1), 1, Integer::sum);
            }
        }
        assertEquals(EDGES.size(), first.size(), "every edge is some units' first: " + first);
        first.values().forEach(n -> assertTrue(n > UNITS / EDGES.size() * 3 / 4, "spread: " + first));
        int moved = first.get(EDGES.get(0));
        assertEquals(EDGES.size() - 1, afterEdge1.size(), "the units of edge 1 move to every other edge");
        afterEdge1.values().forEach(n -> assertTrue(n > moved / (EDGES.size() - 1) * 3 / 4, "spread: " + afterEdge1));
    }

    @Test
    void next_goes_round_every_edge_and_back_to_the_first() {
        Edges edges = new Edges("dev-0001", EDGES);
        List<String> order = Edges.order("dev-0001", EDGES);
        assertEquals(order.get(0), edges.current());
        for (int i = 1; i <= EDGES.size(); i++) {
            assertEquals(order.get(i % EDGES.size()), edges.next());
        }
        assertEquals(order.get(0) + " (edge 1 of 4)", edges.describe());
        assertEquals("tcp://127.0.0.1:1883", new Edges("dev-0001", List.of("tcp://127.0.0.1:1883")).describe());
    }

    @Test
    void an_address_that_is_not_mqtt_or_no_address_is_refused() {
        assertTrue(assertThrows(AgentException.class, () -> new Edges("dev-1", List.of("http://x:80"))).getMessage()
                .contains("http://x:80"));
        assertThrows(AgentException.class, () -> new Edges("dev-1", List.of()));
    }
}
