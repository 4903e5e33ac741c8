package org.rts.hub.health;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rts.hub.units.Alerts;
import org.rts.hub.units.UnitRegistry;

/** The hub's figures in Prometheus's text format. */
class HubMetricsTest {
    @Test
    void each_figure_is_exposed_with_its_labels() {
        HubMetrics m = new HubMetrics();
        Instant at = Instant.parse("2026-11-26T10:00:00Z");
        m.units(UnitRegistry.countByState(List.of(new UnitRegistry.UnitStatus("d", "S-1", UnitRegistry.State.LOST,
                at, 1, null, null, List.of()))));
        m.decided("ACCEPTED", List.of());
        m.decided("REJECTED", List.of("CONFLICT"));
        m.batch(0.012);
        m.verified(0.0002);
        m.answered(0.03);
        m.inbox(7);
        m.alerts(Alerts.countByRule(List.of(new Alerts.Alert(Alerts.Rule.TAMPER, "d", "S-1", "case open", at, at,
                null))));
        m.forwarding("https://tally/in", 3, 42);
        m.crl(at.plus(java.time.Duration.ofHours(36)), at);
        String text = new String(m.scrape(), StandardCharsets.UTF_8);
        for (String line : List.of("rts_hub_units{state=\"LOST\"} 1.0", "rts_hub_units{state=\"ONLINE\"} 0.0",
                "rts_hub_messages_total{outcome=\"ACCEPTED\"} 1.0", "rts_hub_rejections_total{reason=\"CONFLICT\"} 1.0",
                "rts_hub_batch_seconds_count 1", "rts_hub_verify_seconds_count 1", "rts_hub_receipt_seconds_count 1",
                "rts_hub_inbox_messages 7.0", "rts_hub_alerts_open{rule=\"TAMPER\"} 1.0",
                "rts_hub_forward_pending{upstream=\"https://tally/in\"} 3.0",
                "rts_hub_forward_lag_seconds{upstream=\"https://tally/in\"} 42.0", "rts_hub_crl_days_left 1.5")) {
            assertTrue(text.contains(line), "missing " + line + " in\n" + text);
        }
    }
}
