package org.rts.agent.workflow;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import org.rts.agent.i18n.Messages;
import org.rts.hardware.BatteryReading;
import org.rts.protocol.election.Election;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;

/**
 * What the officer reads in each state of the {@link OfficerFlow} outside the form and its review, in the unit's
 * language, and the figures the rule sentences refer to. The flow decides the state; this only writes the lines.
 */
final class Screens {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

    private final Messages messages;
    private final Election election;
    private final String station;
    private final int registered;
    private final Workflow workflow;

    Screens(Messages messages, Election election, String station, Workflow workflow) {
        this.messages = messages;
        this.election = election;
        this.station = station;
        this.registered = election.station(station).orElseThrow().registeredVoters();
        this.workflow = workflow;
    }

    /** The menu: turnout first, then the result of each race the station votes in, in ballot order. */
    List<String> menu() {
        List<String> items = new ArrayList<>();
        items.add(messages.get("menu.turnout"));
        election.ballot(station).forEach(r -> items.add(messages.get("menu.result", r.name())));
        return items;
    }

    /**
     * The station, the time and the charge, what waits to be sent, the chosen menu item, and one line more: the
     * {@code notice} if any, else a low battery, else that the broker refused the unit.
     */
    List<String> idle(ZonedDateTime now, BatteryReading battery, int pending, int menuItem, String notice,
                      boolean refused) {
        List<String> lines = new ArrayList<>();
        lines.add(messages.get("idle.title", station));
        String charge = battery == null || !battery.known() ? messages.get("idle.battery.unknown")
                : Math.round(battery.percent()) + "%";
        lines.add(messages.get("idle.time", CLOCK.format(now), charge));
        lines.add(pending > 0 ? messages.get("idle.pending", pending) : messages.get("idle.nothing.pending"));
        lines.add(menu().get(menuItem));
        if (notice != null) {
            lines.add(notice);
        } else if (battery != null && battery.known() && battery.percent() < OfficerFlow.LOW_PERCENT
                && !Boolean.TRUE.equals(battery.externalPower())) {
            lines.add(messages.get("battery.low", Math.round(battery.percent())));
        } else if (refused) {
            lines.add(messages.get("revoked.hint"));
        }
        return lines;
    }

    List<String> confirm() {
        return List.of(messages.get("confirm.title"), messages.get("confirm.hint",
                OfficerFlow.CONFIRM_WINDOW.toSeconds()));
    }

    /** A report in the outbox; {@code held}: the hub has answered that it cannot take it yet. */
    List<String> queued(boolean held) {
        return held ? List.of(messages.get("queued.title"), messages.get("queued.held"),
                messages.get("queued.held.hint"), messages.get("queued.hint"))
                : List.of(messages.get("queued.title"), messages.get("queued.sending"), messages.get("queued.hint"));
    }

    /** The hub's acceptance; {@code slip} is what became of the printed slip (null: the unit prints none). */
    List<String> accepted(String code, String slip) {
        return List.of(messages.get("answer.accepted"), messages.get("answer.code"), code,
                slip == null ? messages.get("answer.copy") : slip);
    }

    /** The hub's reasons in plain words, with the figures of {@code draft} (null when no longer known). */
    List<String> rejected(List<Finding> reasons, Draft draft) {
        List<String> lines = new ArrayList<>();
        lines.add(messages.get("answer.rejected"));
        reasons.forEach(r -> lines.add(messages.finding(r, figures(draft))));
        lines.add(messages.get("answer.hint"));
        return List.copyOf(lines);
    }

    List<String> duplicate() {
        return List.of(messages.get("duplicate.title"), messages.get("duplicate.hint"), messages.get("answer.hint"));
    }

    List<String> revoked() {
        return List.of(messages.get("revoked.title"), messages.get("revoked.detail"), messages.get("revoked.hint"));
    }

    List<String> shutdown() {
        return List.of(messages.get("battery.shutdown"), messages.get("battery.shutdown.hint"));
    }

    /**
     * The figures the rule sentences of the messages refer to: {0} registered, {1} received, {2} unused, {3} spoiled,
     * {4} in the box, {5} invalid, {6} valid votes of a result; {7} voters and {8} the last reported turnout; {9}
     * registered in the list. "-" where {@code draft} (null: none) has no such figure.
     */
    Object[] figures(Draft draft) {
        Object[] f = new Object[10];
        Arrays.fill(f, "-");
        f[9] = registered;
        if (draft != null && draft.preview() instanceof ResultReport r) {
            f[9] = election.station(station).orElseThrow().registeredVoters(r.race());
            f[0] = r.registered();
            f[1] = r.received();
            f[2] = r.unused();
            f[3] = r.spoiled();
            f[4] = r.inBox();
            f[5] = r.invalid();
            f[6] = r.validVotes();
        } else if (draft != null && draft.preview() instanceof TurnoutReport t) {
            f[7] = t.voters();
            f[8] = workflow.lastTurnout().orElse(0);
        }
        return f;
    }
}
