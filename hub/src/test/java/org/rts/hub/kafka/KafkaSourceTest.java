package org.rts.hub.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rts.hub.admission.Delivery;

class KafkaSourceTest {
    private static final String TOPIC = "rts.e.reports";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final List<Delivery> handed = Collections.synchronizedList(new ArrayList<>());
    private final List<String> published = Collections.synchronizedList(new ArrayList<>());
    /** The sink takes this many more, then refuses. */
    private final AtomicInteger room = new AtomicInteger(Integer.MAX_VALUE);
    private final KafkaSource source = new KafkaSource(null, consumer, TOPIC, d -> {
        if (room.getAndDecrement() <= 0) {
            return false;
        }
        handed.add(d);
        return true;
    }, (edge, topic, receipt) -> published.add(edge + " " + topic + " " + new String(receipt, StandardCharsets.UTF_8)));

    @AfterEach
    void close() {
        source.close();
    }

    private static ConsumerRecord<String, byte[]> record(long offset) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(KafkaFeed.TOPIC_HEADER, ("rts/e/dev/u-" + offset + "/turnout").getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaFeed.EDGE_HEADER, "edge2".getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>(TOPIC, 0, offset, 0L, TimestampType.CREATE_TIME, 0, 0, "u-" + offset,
                ("m" + offset).getBytes(StandardCharsets.UTF_8), headers, Optional.empty());
    }

    private void startWith(long from, long to) {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
            for (long o = from; o < to; o++) {
                consumer.addRecord(record(o));
            }
        });
        source.start();
    }

    private long committed() {
        OffsetAndMetadata o = consumer.committed(Set.of(P0)).get(P0);
        return o == null ? -1 : o.offset();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(10);
        }
    }

    @Test
    void a_partition_is_committed_up_to_its_oldest_message_not_yet_stored() throws Exception {
        startWith(0, 5);
        await(() -> handed.size() == 5, "five handed on");
        assertEquals(List.of("rts/e/dev/u-0/turnout", "rts/e/dev/u-4/turnout"),
                List.of(handed.get(0).topic(), handed.get(4).topic()), "in order, with the MQTT topic");
        handed.get(0).ack();
        handed.get(1).ack();
        handed.get(3).ack();
        await(() -> committed() == 2, "committed up to the message not stored: " + committed());
        handed.get(2).answer("rts/e/dev/u-2/receipt", "r2".getBytes(StandardCharsets.UTF_8));
        await(() -> committed() == 4, "then past the ones stored: " + committed());
        assertEquals(List.of("edge2 rts/e/dev/u-2/receipt r2"), published, "the receipt goes to the report's edge");
        handed.get(4).ack();
        await(() -> committed() == 5, "all stored: " + committed());
    }

    @Test
    void what_the_full_inbox_refused_is_read_again_from_the_first_refused_in_order() throws Exception {
        room.set(2);
        startWith(0, 5);
        await(() -> handed.size() == 2 && consumer.paused().contains(P0), "two taken, then paused");
        handed.forEach(Delivery::ack);
        await(() -> committed() == 2, "committed up to the first refused: " + committed());
        room.set(Integer.MAX_VALUE);
        // Kafka serves the same messages again from where the source seeks; the mock keeps none, so give them back
        consumer.schedulePollTask(() -> {
            for (long o = 2; o < 5; o++) {
                consumer.addRecord(record(o));
            }
        });
        source.redeliver();
        await(() -> handed.size() == 5, "the refused ones handed on after the drain: " + handed.size());
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), handed.stream()
                .map(d -> new String(d.payload(), StandardCharsets.UTF_8)).toList(), "in order, none twice");
        assertTrue(handed.get(2).connection() > handed.get(1).connection(),
                "a new generation, which the admission takes again");
    }

    @Test
    void a_record_without_its_mqtt_topic_is_skipped_and_does_not_hold_the_partition_back() throws Exception {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P0));
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "u", "bare".getBytes(StandardCharsets.UTF_8)));
            consumer.addRecord(record(1));
        });
        source.start();
        await(() -> handed.size() == 1, "the good one handed on");
        handed.get(0).ack();
        await(() -> committed() == 2, "both passed: " + committed());
    }
}
