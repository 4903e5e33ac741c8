package org.rts.hub.health;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * The hub's figures for Prometheus: units by state, messages by outcome and rejections by reason, how long a batch
 * takes to decide and store, the inbox's depth, the open alerts by rule, the days until the CRL lapses, and each
 * tally centre's forwarding lag.
 */
public final class HubMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Gauge units = Gauge.builder().name("rts_hub_units").help("Units by state")
            .labelNames("state").register(registry);
    private final Counter messages = Counter.builder().name("rts_hub_messages_total")
            .help("Messages decided, by outcome (ACCEPTED, REJECTED, DUPLICATE: a copy answered, not stored)")
            .labelNames("outcome")
            .register(registry);
    private final Counter rejections = Counter.builder().name("rts_hub_rejections_total")
            .help("Reasons given in rejections").labelNames("reason").register(registry);
    private final Histogram batch = Histogram.builder().name("rts_hub_batch_seconds")
            .help("Time to decide and store one batch, receipts signed").register(registry);
    private final Histogram verify = Histogram.builder().name("rts_hub_verify_seconds")
            .help("Time to authenticate one message (signature, certificate, binding)").register(registry);
    private final Histogram receipt = Histogram.builder().name("rts_hub_receipt_seconds")
            .help("Time from a message's arrival to its receipt leaving for the broker").register(registry);
    private final Gauge inbox = Gauge.builder().name("rts_hub_inbox_messages")
            .help("Messages received and waiting to be decided").register(registry);
    private final Gauge alerts = Gauge.builder().name("rts_hub_alerts_open").help("Open alerts by rule")
            .labelNames("rule").register(registry);
    private final Gauge escalated = Gauge.builder().name("rts_hub_alerts_escalated")
            .help("Open alerts no one acknowledged within the escalation time").register(registry);
    private final Gauge crlDaysLeft = Gauge.builder().name("rts_hub_crl_days_left")
            .help("Days until the CRL in force lapses (negative once lapsed: the broker refuses every client)")
            .register(registry);
    private final Gauge forwardPending = Gauge.builder().name("rts_hub_forward_pending")
            .help("Accepted messages waiting for a tally centre").labelNames("upstream").register(registry);
    private final Gauge forwardLag = Gauge.builder().name("rts_hub_forward_lag_seconds")
            .help("How long the oldest waiting message has waited").labelNames("upstream").register(registry);

    private final Gauge kafkaPartitions = Gauge.builder().name("rts_hub_kafka_partitions")
            .help("Partitions of the reports topic this hub reads").register(registry);
    private final Gauge kafkaLag = Gauge.builder().name("rts_hub_kafka_lag_messages")
            .help("Reports on the partition not yet read by this hub").labelNames("partition").register(registry);
    private final java.util.Set<Integer> kafkaShown = new java.util.HashSet<>();

    public void decided(String outcome, Collection<String> reasons) {
        messages.labelValues(outcome).inc();
        reasons.forEach(r -> rejections.labelValues(r).inc());
    }

    public void batch(double seconds) {
        batch.observe(seconds);
    }

    public void verified(double seconds) {
        verify.observe(seconds);
    }

    public void answered(double seconds) {
        receipt.observe(seconds);
    }

    public void inbox(int depth) {
        inbox.set(depth);
    }

    /** Units by state, every state named (zero included). */
    public void units(Map<String, Integer> byState) {
        byState.forEach((state, n) -> units.labelValues(state).set(n));
    }

    /** Open alerts by rule, every rule named (zero included). */
    public void alerts(Map<String, Integer> byRule) {
        byRule.forEach((rule, n) -> alerts.labelValues(rule).set(n));
    }

    /** Open alerts escalated and still not acknowledged. */
    public void escalated(long open) {
        escalated.set(open);
    }

    /** The CRL's next update as days from {@code now}; a CRL without one leaves the figure out. */
    public void crl(Instant nextUpdate, Instant now) {
        if (nextUpdate != null) {
            crlDaysLeft.set(Duration.between(now, nextUpdate).toSeconds() / 86_400.0);
        }
    }

    public void forwarding(String upstream, long pending, long lagSeconds) {
        forwardPending.labelValues(upstream).set(pending);
        forwardLag.labelValues(upstream).set(lagSeconds);
    }

    /** A Kafka-fed hub's partitions and the messages behind on each; partitions it no longer reads are dropped. */
    public synchronized void kafka(Map<Integer, Long> lagByPartition) {
        kafkaPartitions.set(lagByPartition.size());
        kafkaShown.stream().filter(p -> !lagByPartition.containsKey(p))
                .forEach(p -> kafkaLag.remove(Integer.toString(p)));
        lagByPartition.forEach((p, lag) -> kafkaLag.labelValues(Integer.toString(p)).set(lag));
        kafkaShown.clear();
        kafkaShown.addAll(lagByPartition.keySet());
    }

    /** The Prometheus text format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
