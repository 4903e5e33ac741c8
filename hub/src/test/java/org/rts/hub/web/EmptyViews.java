package org.rts.hub.web;

import java.util.List;
import org.rts.hub.tally.LiveTally;
import org.rts.hub.units.AlertDesk;
import org.rts.hub.units.UnitRegistry;

/** Views of an election with nothing in it yet: no unit, no alert, no figure. */
final class EmptyViews implements Views {
    @Override
    public List<UnitRegistry.UnitStatus> units() {
        return List.of();
    }

    @Override
    public List<AlertDesk.Handled> openAlerts() {
        return List.of();
    }

    @Override
    public List<AlertDesk.Handled> alertHistory() {
        return List.of();
    }

    @Override
    public LiveTally.Picture tally() {
        return new LiveTally.Picture("el", new LiveTally.Area("", 0, 0, 0, 0, List.of()), List.of(), List.of(),
                List.of());
    }

    @Override
    public String readinessCsv() {
        return "";
    }
}
