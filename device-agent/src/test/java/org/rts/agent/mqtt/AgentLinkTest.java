package org.rts.agent.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.TestBroker;

/** The broker link over several edges, against real Mosquitto processes: what it reports to the unit. */
@Timeout(120)
class AgentLinkTest {
    private static final long PATIENCE_SECONDS = 60;

    @TempDir
    Path dir;

    private final ScheduledExecutorService linkThread = Executors.newSingleThreadScheduledExecutor();
    /** Keeps this test's client ids apart from others on the shared broker. */
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void stop() {
        linkThread.shutdownNow();
    }

    /** What the link told the unit, in order: {@code connected} or {@code refused: <why>}. */
    private static final class Heard implements AgentLink.Listener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final List<String> all = new CopyOnWriteArrayList<>();

        @Override
        public void connected() {
            add("connected");
        }

        @Override
        public void refused(String why) {
            add("refused: " + why);
        }

        @Override
        public void receipt(byte[] payload) {
        }

        private void add(String event) {
            all.add(event);
            events.add(event);
        }

        String next() throws InterruptedException {
            String event = events.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
            assertTrue(event != null, "the link said nothing within " + PATIENCE_SECONDS + " s");
            return event;
        }
    }

    private AgentLink link(String unit, List<String> brokers) {
        return new AgentLink(brokers, unit, unit + "@" + run, "rts-test/" + run + "/" + unit + "/receipt", linkThread,
                2_000, null);
    }

    /** A device id whose unit tries {@code first} before the other edges. */
    private static String startingAt(String first, List<String> brokers) {
        for (int i = 1; ; i++) {
            if (Edges.order("dev-" + i, brokers).get(0).equals(first)) {
                return "dev-" + i;
            }
        }
    }

    @Test
    void an_edge_refusing_the_unit_is_not_reported_when_another_edge_takes_it() throws Exception {
        try (TestBroker refusing = TestBroker.start(dir.resolve("refusing"), false)) {
            List<String> brokers = List.of(TestBroker.SHARED_URL, refusing.url());
            String unit = startingAt(refusing.url(), brokers);
            Heard heard = new Heard();
            try (AgentLink link = link(unit, brokers)) {
                link.start(heard);
                assertEquals("connected", heard.next());
                assertEquals(List.of("connected"), heard.all, "the refusal by the first edge was not reported");
                assertTrue(link.isConnected());
            }
        }
    }

    @Test
    void a_unit_every_edge_refuses_is_told_so_and_one_broker_refusing_is_told_at_once() throws Exception {
        try (TestBroker first = TestBroker.start(dir.resolve("first"), false);
             TestBroker second = TestBroker.start(dir.resolve("second"), false)) {
            Heard heard = new Heard();
            try (AgentLink link = link("dev-1", List.of(first.url(), second.url()))) {
                link.start(heard);
                String event = heard.next();
                assertTrue(event.startsWith("refused: the broker does not accept this unit (MQTT reason 13"), event);
            }
            Heard alone = new Heard();
            try (AgentLink link = link("dev-1", List.of(first.url()))) {
                link.start(alone);
                assertTrue(alone.next().startsWith("refused: "));
            }
        }
    }
}
