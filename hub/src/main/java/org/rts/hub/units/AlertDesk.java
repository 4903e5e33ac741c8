package org.rts.hub.units;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rts.hub.HubException;
import org.rts.hub.store.UnitStore;

/**
 * What the operations room does about its alerts: an operator acknowledges an alert, assigns it to a person, adds
 * notes; an open alert no one acknowledged within the escalation time escalates (once, by the hub). Every action is
 * stored with who and when before it is shown, and is exported. Thread-safe.
 */
public final class AlertDesk {
    /** Who the hub itself is in the actions it takes. */
    public static final String HUB = "hub";
    /** Longest note or assignee name kept. */
    static final int MAX_TEXT = 500;

    public enum Action {
        ACK, ASSIGN, NOTE, ESCALATED
    }

    /** One action: when, by whom, what, and its text (the assignee, the note). */
    public record Entry(Instant at, String user, Action action, String detail) {
    }

    /** An alert with what was done about it. */
    public record Handled(Alerts.Alert alert, String acknowledgedBy, Instant acknowledgedAt, String assignee,
                          Instant escalatedAt, List<Entry> actions) {
    }

    private final UnitStore store;
    private final Duration escalateAfter;
    private final Map<String, List<Entry>> actions = new HashMap<>();

    public AlertDesk(UnitStore store, Duration escalateAfter) {
        this.store = store;
        this.escalateAfter = escalateAfter;
        refresh();
    }

    /** Reads the actions again: hubs that share a store each see what was done on the others. */
    private void refresh() {
        actions.clear();
        for (UnitStore.ActionRow r : store.actions()) {
            actions.computeIfAbsent(key(r.rule(), r.subject(), r.opened()), k -> new ArrayList<>())
                    .add(new Entry(r.at(), r.user(), Action.valueOf(r.action()), r.detail()));
        }
    }

    private static String key(String rule, String subject, Instant opened) {
        return rule + "|" + subject + "|" + opened.toEpochMilli();
    }

    private static String key(Alerts.Alert a) {
        return key(a.rule().name(), a.subject(), a.opened());
    }

    /**
     * Records {@code user}'s {@code action} on {@code alert} (an operator's: not {@code ESCALATED}); {@code detail}
     * names the assignee or holds the note. Refused, saying why, when it is empty where needed or too long.
     */
    public synchronized Handled act(Alerts.Alert alert, String user, Action action, String detail, Instant at) {
        String text = detail == null ? "" : detail.strip();
        if (action == Action.ESCALATED) {
            throw new HubException("only the hub escalates an alert");
        }
        if ((action == Action.ASSIGN || action == Action.NOTE) && text.isEmpty()) {
            throw new HubException(action == Action.ASSIGN ? "name the person the alert is assigned to"
                    : "a note needs its text");
        }
        if (text.length() > MAX_TEXT || text.codePoints().anyMatch(c -> Character.isISOControl(c))) {
            throw new HubException("at most " + MAX_TEXT + " characters, no control characters");
        }
        record(alert, new Entry(at, user, action, action == Action.ACK ? "" : text));
        return handled(alert);
    }

    /**
     * Escalates the open alerts that no one acknowledged within the escalation time (each once); returns those
     * escalated now.
     */
    public synchronized List<Alerts.Alert> escalate(List<Alerts.Alert> open, Instant now) {
        refresh();
        List<Alerts.Alert> escalated = new ArrayList<>();
        for (Alerts.Alert a : open) {
            Handled h = handled(a);
            if (h.acknowledgedAt() == null && h.escalatedAt() == null
                    && !a.opened().plus(escalateAfter).isAfter(now)) {
                record(a, new Entry(now, HUB, Action.ESCALATED, "not acknowledged within "
                        + escalateAfter.toMinutes() + " min"));
                escalated.add(a);
            }
        }
        return escalated;
    }

    private void record(Alerts.Alert alert, Entry e) {
        store.saveAction(new UnitStore.ActionRow(alert.rule().name(), alert.subject(), alert.opened(), e.at(),
                e.user(), e.action().name(), e.detail()));
        actions.computeIfAbsent(key(alert), k -> new ArrayList<>()).add(e);
    }

    /** {@code alert} with what was done about it. */
    public synchronized Handled handled(Alerts.Alert alert) {
        List<Entry> done = List.copyOf(actions.getOrDefault(key(alert), List.of()));
        Entry ack = done.stream().filter(e -> e.action() == Action.ACK).findFirst().orElse(null);
        String assignee = done.stream().filter(e -> e.action() == Action.ASSIGN).reduce((a, b) -> b)
                .map(Entry::detail).orElse(null);
        Instant escalated = done.stream().filter(e -> e.action() == Action.ESCALATED).map(Entry::at).findFirst()
                .orElse(null);
        return new Handled(alert, ack == null ? null : ack.user(), ack == null ? null : ack.at(), assignee, escalated,
                done);
    }

    /** Each of {@code alerts} with what was done about it. */
    public List<Handled> handled(List<Alerts.Alert> alerts) {
        return alerts.stream().map(this::handled).toList();
    }
}
