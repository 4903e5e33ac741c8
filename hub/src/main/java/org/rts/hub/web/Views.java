package org.rts.hub.web;

import java.io.IOException;
import java.util.List;
import org.rts.hub.HubException;
import org.rts.hub.tally.LiveTally;
import org.rts.hub.units.AlertDesk;
import org.rts.hub.units.UnitRegistry;

/** What the operations room's server shows, read when asked. */
public interface Views {
    List<UnitRegistry.UnitStatus> units();

    List<AlertDesk.Handled> openAlerts();

    List<AlertDesk.Handled> alertHistory();

    LiveTally.Picture tally();

    String readinessCsv();

    /** The readiness report as a printable PDF, a section per region. */
    default byte[] readinessPdf() throws IOException {
        throw new IOException("no readiness PDF here");
    }

    /**
     * The observer's check page: the election's, or the index of its constituencies' pages ({@code
     * constituency} null), or one constituency's; null: none.
     */
    default String checkPage(String constituency) {
        return null;
    }

    /** This hub's own state as its health file last said it (null: not known yet). */
    default Object hub() {
        return null;
    }

    /** One station's accepted results as signed, each with whether its form's photo has arrived. */
    default Object station(String station) {
        return List.of();
    }

    /**
     * Records {@code user}'s {@code action} (ack, assign, note) on the alert of {@code rule}, {@code subject}
     * and {@code opened}; returns the alert with what was done about it, or null when there is no such alert.
     * Throws {@link HubException} saying what is wrong with the action.
     */
    default AlertDesk.Handled act(String rule, String subject, String opened, String user, String action,
                                  String detail) {
        return null;
    }

    /** The hand-count audit (null: none here). */
    default org.rts.hub.audit.HandAudit audit() {
        return null;
    }

    /** A kept photo of a form, by the SHA-256 its result names (null: none). */
    default byte[] photo(String sha256) {
        return null;
    }

    /** The day in figures for the charts, the last {@code hours} (null: none here). */
    default Object day(int hours) {
        return null;
    }

    /** One unit's telemetry through the days and its battery's maintenance line (null: none here). */
    default Object unitHistory(String device) {
        return null;
    }

    /** Every active unit's battery history and checks due, those with checks due first. */
    default List<?> maintenance() {
        return List.of();
    }

    /** One QR code's text relayed by an observer's phone from {@code address} (null: no relay here). */
    default org.rts.hub.relay.Relay.Answer relay(String code, String address) {
        return null;
    }

    /**
     * A stick's messages uploaded by an administrator, each decided as the broker's are: the zip of their receipts
     * (null: no intake here).
     */
    default byte[] stick(List<org.rts.hub.stick.StickUpload.File> files) throws IOException {
        return null;
    }

    /** The stations without a result yet, by region, with when their unit was last heard. */
    default List<?> missing() {
        return List.of();
    }

    /** Every active unit's readiness, those not ready first, with why and what to do. */
    default List<?> readiness() {
        return List.of();
    }
}
