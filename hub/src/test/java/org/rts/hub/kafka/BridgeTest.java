package org.rts.hub.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rts.hub.admission.Delivery;

/** The bridge acknowledges the edge's messages in the order they came, whatever order Kafka confirms them in. */
class BridgeTest {
    @SuppressWarnings("unchecked")
    private final Producer<String, byte[]> producer = mock(Producer.class);
    /** Each send's record and its callback, in the order the bridge sent them. */
    private final List<ProducerRecord<String, byte[]>> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<Callback> callbacks = Collections.synchronizedList(new ArrayList<>());
    private final List<String> acked = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger redeliveries = new AtomicInteger();
    private final Bridge bridge;

    @SuppressWarnings("unchecked")
    BridgeTest() {
        when(producer.send(any(ProducerRecord.class), any(Callback.class))).thenAnswer(call -> {
            sent.add(call.getArgument(0));
            callbacks.add(call.getArgument(1));
            return new CompletableFuture<>();
        });
        bridge = new Bridge(null, producer, "rts.e.reports", "edge1", redeliveries::incrementAndGet);
    }

    @AfterEach
    void close() {
        bridge.close();
    }

    /** A unit's message on the edge; acknowledged, it is listed as "device/kind". */
    private record Message(String device, String kind, long connection, List<String> acked) implements Delivery {
        @Override
        public String topic() {
            return "rts/v1/e/dev/" + device + "/" + kind;
        }

        @Override
        public byte[] payload() {
            return topic().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void ack() {
            acked.add(device + "/" + kind);
        }

        @Override
        public void answer(String receiptTopic, byte[] receipt) {
            throw new AssertionError("a bridge answers nothing");
        }
    }

    private void offer(String device, String kind, long connection) {
        bridge.offer(new Message(device, kind, connection, acked));
    }

    private void confirm(int send) {
        callbacks.get(send).onCompletion(null, null);
    }

    private void awaitSends(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (callbacks.size() < n) {
            assertTrue(System.nanoTime() < deadline, "the bridge sent " + callbacks.size() + " of " + n);
            Thread.sleep(5);
        }
    }

    @Test
    void acknowledges_in_arrival_order_when_kafka_confirms_out_of_order() throws InterruptedException {
        offer("u-1", "turnout", 1);
        offer("u-2", "turnout", 1);
        offer("u-1", "result", 1);
        awaitSends(3);
        assertEquals(List.of("u-1", "u-2", "u-1"), sent.stream().map(ProducerRecord::key).toList());

        confirm(2);
        assertEquals(List.of(), acked, "the third waits for the two before it");
        confirm(0);
        assertEquals(List.of("u-1/turnout"), acked);
        confirm(1);
        assertEquals(List.of("u-1/turnout", "u-2/turnout", "u-1/result"), acked);
    }

    @Test
    void acknowledges_nothing_of_a_connection_after_a_message_kafka_refused() throws InterruptedException {
        offer("u-1", "turnout", 1);
        offer("u-2", "turnout", 1);
        offer("u-3", "turnout", 1);
        awaitSends(3);
        confirm(2);
        callbacks.get(1).onCompletion(null, new TimeoutException("no in-sync replicas in time"));
        confirm(0);
        assertEquals(List.of("u-1/turnout"), acked, "the edge delivers the refused one and all after it again");
        assertEquals(1, redeliveries.get());

        offer("u-2", "turnout", 2); // the same reports on the next connection
        offer("u-3", "turnout", 2);
        awaitSends(5);
        confirm(3);
        confirm(4);
        assertEquals(List.of("u-1/turnout", "u-2/turnout", "u-3/turnout"), acked);
    }

    @Test
    void a_message_that_is_not_a_report_is_acknowledged_in_its_turn() throws InterruptedException {
        offer("u-1", "turnout", 1);
        offer("u-1", "telemetry", 1);
        awaitSends(1);
        assertEquals(List.of(), acked, "the telemetry waits for the report before it");
        confirm(0);
        assertEquals(List.of("u-1/turnout", "u-1/telemetry"), acked);
        assertEquals(1, sent.size(), "telemetry is not produced to the reports topic");
    }
}
