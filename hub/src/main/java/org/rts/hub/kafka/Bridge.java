package org.rts.hub.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.rts.hub.admission.Delivery;
import org.rts.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One edge's bridge: each unit's report taken at the edge (a plain subscription, so that one bridge sees all of
 * its edge's reports in order) is produced to the election's reports topic keyed by device id, with the edge it
 * came from, by an idempotent producer with {@code acks=all}; the MQTT message is acknowledged to the edge only once
 * Kafka has it on its in-sync replicas. A message Kafka did not take is not acknowledged: the bridge asks the edge to
 * deliver again ({@code redeliver}), and a unit with no receipt sends it again anyway.
 *
 * <p>Sends run on a thread of their own, in arrival order, so that a Kafka cluster slow to answer never blocks the
 * MQTT client's thread; the edge's Receive Maximum bounds what is on its way. Kafka confirms partitions in any
 * order, but the edge's messages are acknowledged in the order they came, as MQTT requires: a Mosquitto acknowledged
 * out of order was seen to deliver a unit's report after later ones of the same unit, which the hubs must then answer
 * {@code SEQUENCE_GAP}. After a message Kafka did not take, nothing more of its connection is acknowledged: the edge
 * delivers all of it again, in order, on the next connection.
 */
public final class Bridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);

    private final KafkaFeed feed;
    private final String topic;
    private final String edge;
    private final Runnable redeliver;
    private final Producer<String, byte[]> producer;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bridge-send");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean topicReady;
    private volatile long lastRedeliver;
    /** The edge's messages not yet acknowledged, in arrival order (guarded by itself). */
    private final ArrayDeque<Unacked> unacked = new ArrayDeque<>();
    /** The last connection a message was refused on: none of its messages is acknowledged after that (guarded). */
    private long brokenConnection = Long.MIN_VALUE;

    /** A message and what Kafka said of it: null until it answered, then whether it holds the message. */
    private static final class Unacked {
        final Delivery delivery;
        Boolean held;

        Unacked(Delivery delivery) {
            this.delivery = delivery;
        }
    }

    /** @param redeliver drops the edge connection so that the edge delivers what was not acknowledged again */
    public Bridge(KafkaFeed feed, String topic, String edge, String clientId, Runnable redeliver) {
        this(feed, new KafkaProducer<>(feed.with(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5",
                ProducerConfig.LINGER_MS_CONFIG, "1",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))), topic, edge,
                redeliver);
    }

    /** Over {@code producer}; with no {@code feed}, the topic is taken to exist. */
    Bridge(KafkaFeed feed, Producer<String, byte[]> producer, String topic, String edge, Runnable redeliver) {
        this.feed = feed;
        this.producer = producer;
        this.topic = topic;
        this.edge = edge;
        this.redeliver = redeliver;
        this.topicReady = feed == null;
    }

    /** On the MQTT client's thread: queues the message for Kafka; never blocks, never refuses. */
    public boolean offer(Delivery d) {
        Topics.Address address = Topics.parse(d.topic()).orElse(null);
        Unacked u = new Unacked(d);
        synchronized (unacked) {
            unacked.add(u);
        }
        if (address == null || !Topics.REPORT_KINDS.contains(address.kind())) {
            settled(u, true); // not a report: nothing for the hubs
            return true;
        }
        sender.execute(() -> send(u, address.deviceId()));
        return true;
    }

    /** Records Kafka's answer for {@code u}, then acknowledges every message from the oldest that Kafka holds. */
    private void settled(Unacked u, boolean held) {
        synchronized (unacked) {
            u.held = held;
            while (!unacked.isEmpty() && unacked.peek().held != null) {
                Unacked head = unacked.poll();
                long connection = head.delivery.connection();
                if (!head.held) {
                    brokenConnection = Math.max(brokenConnection, connection);
                } else if (connection > brokenConnection) {
                    head.delivery.ack();
                }
            }
        }
    }

    private void send(Unacked u, String device) {
        Delivery d = u.delivery;
        try {
            if (!topicReady) {
                ReportsTopic.ensure(feed, topic);
                topicReady = true;
            }
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, device, d.payload());
            r.headers().add(KafkaFeed.TOPIC_HEADER, d.topic().getBytes(StandardCharsets.UTF_8));
            r.headers().add(KafkaFeed.EDGE_HEADER, edge.getBytes(StandardCharsets.UTF_8));
            producer.send(r, (metadata, e) -> {
                if (e == null) {
                    produced.incrementAndGet();
                    settled(u, true);
                } else {
                    settled(u, false);
                    refused(e);
                }
            });
        } catch (RuntimeException e) {
            settled(u, false);
            refused(e);
        }
    }

    private void refused(Exception e) {
        if (failed.getAndIncrement() % 1000 == 0) {
            LOG.warn("Kafka did not take a report ({}); the edge delivers it again", e.toString());
        }
        long now = System.nanoTime();
        if (now - lastRedeliver > 5_000_000_000L) { // one reconnect for a whole window of refused reports
            lastRedeliver = now;
            redeliver.run();
        }
    }

    /** Reports Kafka has confirmed. */
    public long produced() {
        return produced.get();
    }

    /** Reports Kafka did not take (each delivered again by the edge). */
    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
