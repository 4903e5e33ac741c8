package org.rts.hub.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.rts.hub.admission.Delivery;
import org.rts.hub.health.HealthReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hubs' source in a national deployment: one consumer of the election's group over the reports topic. Each
 * partition is handed to the admission in order; a partition's offset is committed only up to its oldest message
 * not yet decided and stored, so a hub that dies leaves its partitions to the others from the first message whose
 * decision it had not stored (they answer a copy of a stored one with its receipt).
 *
 * <p>When the admission refuses a message (its inbox full), every partition is paused and, once {@link #redeliver}
 * is called, read again from the first message refused, in order. The receipt goes back through the edge the
 * message came from ({@link Answers}); the offset does not wait for it: the decision is stored, and a unit that
 * misses its receipt sends the message again and is answered from the store.
 */
public final class KafkaSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    /**
     * Offsets are committed at most this often from the poll loop (and at once when partitions are handed over or
     * the hub stops). Each commit is a replicated write to Kafka: committed after every poll, at a few messages a
     * poll, they cost Kafka more than the reports themselves. A hub killed between two commits leaves its successor
     * at most this long a stretch to read again ({@link #IDLE_POLL} more when the reports have just stopped), each
     * message of it answered from the store as a copy.
     */
    private static final long COMMIT_EVERY_NANOS = 500_000_000L;
    /**
     * How long a poll waits for reports. It returns as soon as some arrive, so this only sets how often a hub with
     * nothing to read goes round its loop (each turn costs it about a millisecond of CPU in the consumer's
     * bookkeeping and TLS); while paused behind a full inbox it goes round often to notice {@link #redeliver}.
     */
    private static final Duration IDLE_POLL = Duration.ofSeconds(1);
    private static final Duration PAUSED_POLL = Duration.ofMillis(100);

    /** Takes each report on the consumer's thread; never blocks. False: "not now", asked again later. */
    public interface Sink {
        boolean offer(Delivery delivery);
    }

    /** Publishes a receipt through the named edge (any edge when it is unknown). */
    public interface Answers {
        void publish(String edge, String topic, byte[] receipt);
    }

    /** What this consumer reads of one partition: messages handed on and not yet stored, and where to go on. */
    private static final class Partition {
        final TopicPartition tp;
        final TreeSet<Long> pending = new TreeSet<>();
        long next = -1;
        long committed = -1;

        Partition(TopicPartition tp) {
            this.tp = tp;
        }

        synchronized void handed(long offset) {
            pending.add(offset);
            next = offset + 1;
        }

        synchronized void done(long offset) {
            pending.remove(offset);
        }

        /** The offset to commit: the oldest message not stored, else the next to read; -1 when nothing moved. */
        synchronized long commitPoint() {
            long point = pending.isEmpty() ? next : pending.first();
            return point > committed ? point : -1;
        }
    }

    /** A report read from Kafka; stored decisions mark it done in its partition. */
    private record Record(String topic, byte[] payload, long connection, String edge, Partition partition,
                          long offset, Answers answers) implements Delivery {
        @Override
        public void ack() {
            partition.done(offset);
        }

        @Override
        public void answer(String receiptTopic, byte[] receipt) {
            answers.publish(edge, receiptTopic, receipt);
            ack();
        }

        @Override
        public String path() {
            return edge == null || edge.isEmpty() ? "mqtt" : "mqtt:" + edge;
        }
    }

    private final Consumer<String, byte[]> consumer;
    private final KafkaFeed feed;
    private final String topic;
    private final Sink sink;
    private final Answers answers;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    /** Partitions paused at their first refused message: where each is read again from. */
    private final Map<TopicPartition, Long> refused = new HashMap<>();
    private final Map<Integer, Long> lag = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong(1);
    private final AtomicLong rebalances = new AtomicLong();
    private volatile boolean redeliver;
    private volatile boolean closed;
    private volatile String lastError = "";
    /** When offsets were last committed from the poll loop (nanoTime). */
    private long lastCommit = System.nanoTime();
    private final Thread thread;

    public KafkaSource(KafkaFeed feed, String topic, String group, String clientId, Sink sink, Answers answers) {
        this(feed, new KafkaConsumer<>(feed.with(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000",
                // a hub that dies leaves its partitions to the others after 10 s, not Kafka's default 45
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000",
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "2000",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))), topic, sink,
                answers);
    }

    /** Over {@code consumer}; with no {@code feed}, the topic is taken to exist. */
    KafkaSource(KafkaFeed feed, Consumer<String, byte[]> consumer, String topic, Sink sink, Answers answers) {
        this.feed = feed;
        this.consumer = consumer;
        this.topic = topic;
        this.sink = sink;
        this.answers = answers;
        this.thread = new Thread(this::run, "hub-kafka");
        thread.setDaemon(true);
    }

    /** Starts reading on a thread of its own, once the topic exists (made here if no bridge has made it yet). */
    public void start() {
        thread.start();
    }

    /** Asks for what was refused while the inbox was full, in order, from the consumer's thread. */
    public void redeliver() {
        redeliver = true;
    }

    /** The partitions this hub reads now. */
    public List<Integer> assigned() {
        return partitions.keySet().stream().map(TopicPartition::partition).sorted().toList();
    }

    /** Partition reassignments this consumer has been through. */
    public long rebalances() {
        return rebalances.get();
    }

    /** Messages behind on each partition this hub reads, as of its last fetch. */
    public Map<Integer, Long> lag() {
        return Map.copyOf(lag);
    }

    public HealthReport.Kafka status() {
        return new HealthReport.Kafka(assigned(), lag.values().stream().mapToLong(Long::longValue).sum(),
                rebalances.get(), lastError);
    }

    private void run() {
        while (!closed && feed != null) {
            try {
                ReportsTopic.ensure(feed, topic);
                break;
            } catch (RuntimeException e) {
                lastError = e.getMessage();
                LOG.warn("{}; trying again", e.getMessage());
                sleep();
            }
        }
        consumer.subscribe(List.of(topic), new Rebalance());
        while (!closed) {
            try {
                if (redeliver) {
                    redeliver = false;
                    refused.forEach((tp, offset) -> {
                        if (partitions.containsKey(tp)) {
                            consumer.seek(tp, offset);
                        }
                    });
                    refused.clear();
                    generation.incrementAndGet();
                    consumer.resume(consumer.assignment());
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(refused.isEmpty() ? IDLE_POLL : PAUSED_POLL);
                List<TopicPartition> batch = List.copyOf(records.partitions());
                for (int i = 0; i < batch.size(); i++) {
                    for (ConsumerRecord<String, byte[]> r : records.records(batch.get(i))) {
                        if (!hand(r)) {
                            refuseFrom(r, records, batch.subList(i + 1, batch.size()));
                            break;
                        }
                    }
                }
                if (System.nanoTime() - lastCommit >= COMMIT_EVERY_NANOS) {
                    lastCommit = System.nanoTime();
                    commit(false);
                }
                for (TopicPartition tp : partitions.keySet()) {
                    consumer.currentLag(tp).ifPresent(n -> lag.put(tp.partition(), n));
                }
                lastError = "";
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                lastError = e.toString();
                LOG.warn("reading the reports topic failed ({}); trying again", e.toString());
                sleep();
            }
        }
    }

    /** Hands {@code r} to the admission; false when it refused it. */
    private boolean hand(ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Partition p = partitions.get(tp);
        if (p == null || refused.containsKey(tp)) {
            return true; // revoked, or paused behind a refused message: read again later
        }
        Record d = new Record(header(r, KafkaFeed.TOPIC_HEADER), r.value(), generation.get(),
                header(r, KafkaFeed.EDGE_HEADER), p, r.offset(), answers);
        p.handed(r.offset());
        if (d.topic() == null || d.payload() == null) {
            LOG.warn("record {} of partition {} has no MQTT topic or payload: skipped", r.offset(), r.partition());
            p.done(r.offset());
            return true;
        }
        if (sink.offer(d)) {
            return true;
        }
        synchronized (p) {
            p.pending.remove(r.offset());
            p.next = r.offset();
        }
        return false;
    }

    /**
     * The admission refuses the rest of this generation: every partition pauses and is read again, once asked,
     * from its first message not handed on ({@code unread}: partitions of this poll not reached yet).
     */
    private void refuseFrom(ConsumerRecord<String, byte[]> r, ConsumerRecords<String, byte[]> records,
                            List<TopicPartition> unread) {
        refused.put(new TopicPartition(r.topic(), r.partition()), r.offset());
        for (TopicPartition tp : partitions.keySet()) {
            if (!refused.containsKey(tp)) {
                refused.put(tp, unread.contains(tp) ? records.records(tp).get(0).offset() : consumer.position(tp));
            }
        }
        consumer.pause(consumer.assignment());
        LOG.debug("inbox full: partitions paused until it drains");
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Commits each partition up to its oldest message not yet stored. */
    private void commit(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Partition p : partitions.values()) {
            long point = p.commitPoint();
            if (point >= 0) {
                offsets.put(p.tp, new OffsetAndMetadata(point));
                p.committed = point;
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets);
        } else {
            consumer.commitAsync(offsets, (done, e) -> {
                if (e != null) {
                    LOG.debug("offsets not committed now ({}): committed with the next", e.toString());
                    offsets.keySet().forEach(tp -> {
                        Partition p = partitions.get(tp);
                        if (p != null) {
                            p.committed = -1;
                        }
                    });
                }
            });
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            try {
                commit(true);
            } catch (RuntimeException e) {
                LOG.warn("offsets of the partitions handed over not committed ({}): their next reader starts from"
                        + " the last committed and answers copies from the store", e.toString());
            }
            forget(revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            forget(lost);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            assigned.forEach(tp -> partitions.put(tp, new Partition(tp)));
            rebalances.incrementAndGet();
            if (!assigned.isEmpty()) {
                LOG.info("reading partitions {} of {}", assigned.stream().map(TopicPartition::partition).sorted()
                        .toList(), topic);
            }
        }

        private void forget(Collection<TopicPartition> gone) {
            gone.forEach(tp -> {
                partitions.remove(tp);
                refused.remove(tp);
                lag.remove(tp.partition());
            });
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Commits what is stored and leaves the group; the others take the partitions. */
    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            commit(true);
        } catch (RuntimeException e) {
            LOG.debug("last commit failed: {}", e.toString());
        }
        consumer.close(Duration.ofSeconds(5));
    }
}
