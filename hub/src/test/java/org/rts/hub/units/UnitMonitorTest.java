package org.rts.hub.units;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Telemetry;

/** What the units' health and the alerts become in the store's rows, and back: nothing lost on a restart. */
class UnitMonitorTest {
    private static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void a_units_health_comes_back_from_its_stored_row_as_it_was() {
        Telemetry t = new Telemetry(1, "el", Mode.LIVE, "d", "S-1", 5, 2, AT, 250.0, 4.1, true, null, null, 0.3,
                1000L, 2000L, 60L, null, -60, 1, 12L, "0.1", "cfg", true);
        var online = new UnitRegistry.UnitStatus("d", "S-1", UnitRegistry.State.ONLINE, AT, 5, t, -3L,
                List.of("battery 250.0 % is impossible"));
        var lost = new UnitRegistry.UnitStatus("e", "S-2", UnitRegistry.State.LOST, null, 9, null, null, List.of());
        assertEquals(online, UnitMonitor.status(UnitMonitor.row(online)));
        assertEquals(lost, UnitMonitor.status(UnitMonitor.row(lost)));
        assertEquals("ONLINE", UnitMonitor.row(online).state());
    }

    @Test
    void an_alert_comes_back_from_its_stored_row_as_it_was() {
        var open = new Alerts.Alert(Alerts.Rule.BATTERY_LOW, "d", "S-1", "battery 12 %", AT, AT.plusSeconds(120),
                null);
        var closed = new Alerts.Alert(Alerts.Rule.TAMPER, "e", null, "case open", AT, AT, AT.plusSeconds(600));
        assertEquals(open, UnitMonitor.alert(UnitMonitor.row(open)));
        assertEquals(closed, UnitMonitor.alert(UnitMonitor.row(closed)));
    }
}
