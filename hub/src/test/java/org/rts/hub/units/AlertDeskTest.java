package org.rts.hub.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.HubException;
import org.rts.hub.store.UnitStore;
import org.rts.hub.units.AlertDesk.Action;

class AlertDeskTest {
    private static final Instant OPENED = Instant.parse("2026-11-22T18:00:00Z");
    private static final Duration ESCALATE = Duration.ofMinutes(15);
    private static final Alerts.Alert TAMPER = new Alerts.Alert(Alerts.Rule.TAMPER, "dev-1", "S-1", "case open",
            OPENED, OPENED, null);
    private static final Alerts.Alert DOWN = new Alerts.Alert(Alerts.Rule.UNIT_DOWN, "dev-2", "S-2", "lost",
            OPENED, OPENED.plusSeconds(30), null);

    @TempDir
    Path dir;

    private UnitStore store() {
        return UnitStore.open(dir.resolve("hub.db").toString());
    }

    @Test
    void whatIsDoneAboutAnAlertIsKeptWithWhoAndWhenAndSurvivesARestart() {
        try (UnitStore store = store()) {
            AlertDesk desk = new AlertDesk(store, ESCALATE);
            desk.act(TAMPER, "amal", Action.ACK, null, OPENED.plusSeconds(60));
            desk.act(TAMPER, "amal", Action.ASSIGN, "  Karim (Karkh technician) ", OPENED.plusSeconds(61));
            AlertDesk.Handled h = desk.act(TAMPER, "salma", Action.NOTE, "seal intact, case reclosed",
                    OPENED.plusSeconds(120));
            assertEquals("amal", h.acknowledgedBy());
            assertEquals("Karim (Karkh technician)", h.assignee());
            assertEquals(3, h.actions().size());
        }
        try (UnitStore store = store()) {
            AlertDesk.Handled h = new AlertDesk(store, ESCALATE).handled(TAMPER);
            assertEquals("amal", h.acknowledgedBy());
            assertEquals(OPENED.plusSeconds(60), h.acknowledgedAt());
            assertEquals("Karim (Karkh technician)", h.assignee());
            assertEquals(new AlertDesk.Entry(OPENED.plusSeconds(120), "salma", Action.NOTE,
                    "seal intact, case reclosed"), h.actions().get(2));
            assertEquals(List.of(), new AlertDesk(store, ESCALATE).handled(DOWN).actions(), "another alert's own");
        }
    }

    @Test
    void anAlertNoOneAcknowledgesEscalatesOnceAndAnAcknowledgedOneNever() {
        try (UnitStore store = store()) {
            AlertDesk desk = new AlertDesk(store, ESCALATE);
            desk.act(DOWN, "amal", Action.ACK, "", OPENED.plusSeconds(40));
            assertEquals(List.of(), desk.escalate(List.of(TAMPER, DOWN), OPENED.plus(ESCALATE).minusSeconds(1)));
            assertEquals(List.of(TAMPER), desk.escalate(List.of(TAMPER, DOWN), OPENED.plus(ESCALATE)));
            assertEquals(List.of(), desk.escalate(List.of(TAMPER, DOWN), OPENED.plus(ESCALATE).plusSeconds(600)),
                    "once");
            AlertDesk.Handled h = desk.handled(TAMPER);
            assertEquals(OPENED.plus(ESCALATE), h.escalatedAt());
            assertEquals(AlertDesk.HUB, h.actions().get(0).user());
            assertNull(desk.handled(DOWN).escalatedAt());
        }
    }

    @Test
    void anEmptyAssigneeOrNoteAndTheHubsOwnActionAreRefusedSayingWhy() {
        try (UnitStore store = store()) {
            AlertDesk desk = new AlertDesk(store, ESCALATE);
            assertTrue(assertThrows(HubException.class, () -> desk.act(TAMPER, "amal", Action.ASSIGN, " ", OPENED))
                    .getMessage().contains("name the person"));
            assertTrue(assertThrows(HubException.class, () -> desk.act(TAMPER, "amal", Action.NOTE, null, OPENED))
                    .getMessage().contains("note needs its text"));
            assertThrows(HubException.class, () -> desk.act(TAMPER, "amal", Action.NOTE, "a\u0000b", OPENED));
            assertThrows(HubException.class, () -> desk.act(TAMPER, "amal", Action.NOTE, "x".repeat(501), OPENED));
            assertThrows(HubException.class, () -> desk.act(TAMPER, "amal", Action.ESCALATED, "", OPENED));
            assertEquals(List.of(), desk.handled(TAMPER).actions(), "nothing kept of what was refused");
        }
    }
}
