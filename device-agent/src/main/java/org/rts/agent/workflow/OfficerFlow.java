package org.rts.agent.workflow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rts.agent.AgentException;
import org.rts.agent.i18n.Messages;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.hardware.BatteryReading;
import org.rts.hardware.Button;
import org.rts.hardware.Indicator;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;

/**
 * The presiding officer's workflow as a state machine, the same on every board:
 * {@code IDLE} (menu; a turnout prompt at the election's times) → {@code ENTRY} (field by field, digits or
 * up/down) → {@code REVIEW} (screen by screen, with what the checks found: an error names the rule and the figures
 * and goes back to editing, a warning needs CONFIRM) → {@code CONFIRM} (TRANSMIT, then CONFIRM within
 * {@link #CONFIRM_WINDOW}; no confirm returns to review) → {@code QUEUED} (signed and in the outbox) →
 * {@code ANSWERED} (the receipt code, or the reasons, until dismissed). {@code REVOKED} when the broker refuses the
 * unit, {@code SHUTDOWN} when the battery is empty. Only the outbox is kept across a power loss: after a restart
 * the unit is back in {@code IDLE} with what waits to be sent shown and sent.
 *
 * <p>Not thread-safe: the service feeds it events from one thread.
 */
public final class OfficerFlow {
    /** How long CONFIRM is awaited after TRANSMIT. */
    public static final Duration CONFIRM_WINDOW = Duration.ofSeconds(15);
    /** Below this charge, on battery, the officer is told to connect power. */
    public static final double LOW_PERCENT = 20;
    /** Below this charge, on battery, the unit shuts down cleanly. */
    public static final double EMPTY_PERCENT = 5;
    private static final int MAX_DIGITS = 7;

    public enum State {
        IDLE,
        ENTRY,
        REVIEW,
        CONFIRM,
        QUEUED,
        ANSWERED,
        REVOKED,
        SHUTDOWN
    }

    /** What the flow drives: the screen, the lights, the buzzer, and the service. */
    public interface Outputs {
        void show(List<String> lines);

        void indicator(Indicator indicator, boolean on);

        void beep(int millis);

        /** A report was committed to the outbox: send it. */
        void committed(OutboxEntry entry);

        /** The battery is empty: stop cleanly (the outbox is already on disk). */
        void shutdown();
    }

    /** One field of the form being entered; {@code value} null until typed. */
    private static final class Field {
        final String key;
        final String label;
        final int max;
        Integer value;

        Field(String key, String label, int max, Integer value) {
            this.key = key;
            this.label = label;
            this.max = max;
            this.value = value;
        }
    }

    private final Workflow workflow;
    private final Election election;
    private final String station;
    private final int registered;
    private final Messages messages;
    private final Outputs out;
    private final Clock clock;
    private final int rows;

    private State state = State.IDLE;
    private int menu;
    private Race race;
    private List<Field> fields = List.of();
    private int cursor;
    private Draft draft;
    private boolean warningsConfirmed;
    private int page;
    private Instant confirmBy;
    private OutboxEntry queued;
    private boolean held;
    private List<String> answer = List.of();
    private String notice;
    private int pending;
    private BatteryReading battery;
    private String refusedBy;
    private LocalTime lastPrompt;

    public OfficerFlow(Workflow workflow, Election election, String station, Messages messages, Outputs out,
                       Clock clock, int rows) {
        this.workflow = workflow;
        this.election = election;
        this.station = station;
        this.registered = election.station(station).orElseThrow().registeredVoters();
        this.messages = messages;
        this.out = out;
        this.clock = clock;
        this.rows = Math.max(2, rows);
        this.lastPrompt = now().toLocalTime();
    }

    public State state() {
        return state;
    }

    /** Draws the current screen (at start, and after anything changed). */
    public void render() {
        List<String> lines = switch (state) {
            case IDLE -> idle();
            case ENTRY -> entry();
            case REVIEW -> review();
            case CONFIRM -> List.of(messages.get("confirm.title"), messages.get("confirm.hint",
                    CONFIRM_WINDOW.toSeconds()));
            case QUEUED -> held ? List.of(messages.get("queued.title"), messages.get("queued.held"),
                    messages.get("queued.held.hint"), messages.get("queued.hint"))
                    : List.of(messages.get("queued.title"), messages.get("queued.sending"), messages.get("queued.hint"));
            case ANSWERED -> answer;
            case REVOKED -> List.of(messages.get("revoked.title"), messages.get("revoked.detail"),
                    messages.get("revoked.hint"));
            case SHUTDOWN -> List.of(messages.get("battery.shutdown"), messages.get("battery.shutdown.hint"));
        };
        out.indicator(Indicator.PENDING, pending > 0);
        out.indicator(Indicator.ERROR, state == State.REVOKED || (state == State.REVIEW && draft != null
                && !draft.findings().ok()));
        out.show(lines);
    }

    // ---- events

    public void pressed(Button button) {
        if (state == State.SHUTDOWN) {
            return;
        }
        notice = null;
        switch (state) {
            case IDLE -> idlePressed(button);
            case ENTRY -> entryPressed(button);
            case REVIEW -> reviewPressed(button);
            case CONFIRM -> confirmPressed(button);
            case QUEUED, REVOKED -> {
                if (button == Button.NEXT || button == Button.CANCEL) {
                    state = State.IDLE;
                }
            }
            case ANSWERED -> {
                if (button == Button.NEXT || button == Button.CONFIRM || button == Button.CANCEL) {
                    state = State.IDLE;
                }
            }
            default -> { }
        }
        render();
    }

    /** A keypad digit: typed into the field being entered; refused (with a beep) beyond the field's range. */
    public void digit(int digit) {
        if (state != State.ENTRY) {
            return;
        }
        Field f = fields.get(cursor);
        long next = (f.value == null ? 0L : f.value) * 10L + digit;
        if (next > f.max || String.valueOf(next).length() > MAX_DIGITS) {
            notice = messages.get("entry.max", f.max);
            out.beep(200);
        } else {
            f.value = (int) next;
            notice = null;
        }
        render();
    }

    /** Once a second: the confirm deadline, the turnout prompts, the pending count. */
    public void tick(int pendingNow) {
        boolean changed = pendingNow != pending;
        pending = pendingNow;
        if (state == State.CONFIRM && !clock.instant().isBefore(confirmBy)) {
            state = State.REVIEW;
            changed = true;
        }
        LocalTime local = now().toLocalTime().withSecond(0).withNano(0);
        for (LocalTime at : election.polling().turnoutAt()) {
            if (lastPrompt.isBefore(at) && !local.isBefore(at)) {
                lastPrompt = local;
                if (state == State.IDLE) {
                    startTurnout();
                    notice = messages.get("turnout.due", at.toString());
                    out.beep(500);
                    changed = true;
                }
            }
        }
        if (local.isBefore(lastPrompt)) {
            lastPrompt = local; // a new day
        }
        if (changed || state == State.IDLE) {
            render();
        }
    }

    /** A battery reading: warns when low, shuts down when empty (both only on battery). */
    public void battery(BatteryReading reading) {
        battery = reading;
        if (reading.known() && !Boolean.TRUE.equals(reading.externalPower()) && !Boolean.TRUE.equals(reading.charging())
                && reading.percent() < EMPTY_PERCENT && state != State.SHUTDOWN) {
            state = State.SHUTDOWN;
            render();
            out.shutdown();
        }
    }

    /** The hub answered a committed report (or held it back). */
    public void answered(OutboxEntry entry, Receipt receipt) {
        if (queued == null || !entry.hash().equals(queued.hash())) {
            return;
        }
        if (!receipt.isFinal()) {
            held = true;
            render();
            return;
        }
        List<String> lines = new ArrayList<>();
        if (receipt.accepted()) {
            lines.add(messages.get("answer.accepted"));
            lines.add(messages.get("answer.code"));
            lines.add(receipt.code());
            lines.add(messages.get("answer.copy"));
            out.beep(100);
        } else {
            lines.add(messages.get("answer.rejected"));
            receipt.reasons().forEach(r -> lines.add(messages.finding(r, figures())));
            lines.add(messages.get("answer.hint"));
            out.beep(600);
        }
        answer = List.copyOf(lines);
        queued = null;
        state = State.ANSWERED;
        render();
    }

    /** The broker refuses this unit's certificate: not a network outage, the technician is needed. */
    public void refused(String why) {
        refusedBy = why;
        state = State.REVOKED;
        render();
    }

    /** A tally file was found on a USB stick but could not be read. */
    public void unreadable() {
        if (state == State.IDLE || state == State.ENTRY) {
            notice = messages.get("file.unreadable");
            out.beep(600);
            render();
        }
    }

    /** A tally file found on a USB stick: refused unless it is for this election and station. */
    public void loaded(TallyForm form, String electionId, String stationId) {
        if (state != State.IDLE && state != State.ENTRY) {
            return;
        }
        if (!election.id().equals(electionId) || !station.equals(stationId)) {
            notice = messages.get("file.foreign", stationId + " / " + electionId);
            out.beep(600);
            render();
            return;
        }
        Race r = election.race(form.race()).orElse(null);
        if (r == null) {
            notice = messages.get("file.unreadable");
            render();
            return;
        }
        startResult(r);
        List<Integer> votes;
        try {
            votes = form.votesInBallotOrder(r);
        } catch (AgentException e) {
            notice = messages.get("file.unreadable");
            render();
            return;
        }
        int[] values = {form.registered(), form.received(), form.unused(), form.spoiled(), form.inBox(),
            form.invalid()};
        for (int i = 0; i < values.length; i++) {
            fields.get(i).value = Math.min(values[i], fields.get(i).max);
        }
        for (int i = 0; i < votes.size(); i++) {
            fields.get(values.length + i).value = Math.min(votes.get(i), fields.get(values.length + i).max);
        }
        toReview();
        notice = messages.get("file.loaded", r.id());
        render();
    }

    // ---- states

    private List<String> idle() {
        List<String> lines = new ArrayList<>();
        lines.add(messages.get("idle.title", station));
        String charge = battery == null || !battery.known() ? messages.get("idle.battery.unknown")
                : Math.round(battery.percent()) + "%";
        lines.add(messages.get("idle.time", DateTimeFormatter.ofPattern("HH:mm").format(now()), charge));
        lines.add(pending > 0 ? messages.get("idle.pending", pending) : messages.get("idle.nothing.pending"));
        List<String> items = menuItems();
        lines.add(items.get(menu));
        if (notice != null) {
            lines.add(notice);
        } else if (battery != null && battery.known() && battery.percent() < LOW_PERCENT
                && !Boolean.TRUE.equals(battery.externalPower())) {
            lines.add(messages.get("battery.low", Math.round(battery.percent())));
        } else if (refusedBy != null) {
            lines.add(messages.get("revoked.hint"));
        }
        return lines;
    }

    private List<String> menuItems() {
        List<String> items = new ArrayList<>();
        items.add(messages.get("menu.turnout"));
        election.races().forEach(r -> items.add(messages.get("menu.result", r.name())));
        return items;
    }

    private void idlePressed(Button button) {
        int items = menuItems().size();
        switch (button) {
            case UP -> menu = (menu + items - 1) % items;
            case DOWN -> menu = (menu + 1) % items;
            case NEXT, CONFIRM -> {
                if (menu == 0) {
                    startTurnout();
                } else {
                    startResult(election.races().get(menu - 1));
                }
            }
            default -> { }
        }
    }

    private void startTurnout() {
        race = null;
        fields = List.of(new Field("voters", messages.get("field.voters"), registered, null));
        cursor = 0;
        draft = null;
        state = State.ENTRY;
    }

    private void startResult(Race r) {
        race = r;
        int most = registered * 2 + 1000; // room for a wrong form to be entered as written, and then checked
        List<Field> list = new ArrayList<>();
        list.add(new Field("registered", messages.get("field.registered"), most, registered));
        for (String key : List.of("received", "unused", "spoiled", "inBox", "invalid")) {
            list.add(new Field(key, messages.get("field." + key), most, null));
        }
        for (Candidate c : r.candidates()) {
            list.add(new Field("candidate:" + c.id(), messages.get("field.candidate", c.name()), most, null));
        }
        fields = list;
        cursor = 0;
        draft = null;
        state = State.ENTRY;
    }

    private List<String> entry() {
        Field f = fields.get(cursor);
        List<String> lines = new ArrayList<>();
        lines.add((cursor + 1) + "/" + fields.size() + "  " + f.label);
        lines.add(f.value == null ? "_" : f.value + "_");
        lines.add(notice != null ? notice : messages.get("entry.hint"));
        return lines;
    }

    private void entryPressed(Button button) {
        Field f = fields.get(cursor);
        switch (button) {
            case UP -> f.value = Math.min(f.max, f.value == null ? 1 : f.value + 1);
            case DOWN -> f.value = Math.max(0, f.value == null ? 0 : f.value - 1);
            case NEXT, CONFIRM -> {
                if (f.value == null) {
                    out.beep(200);
                } else if (cursor + 1 < fields.size()) {
                    cursor++;
                } else {
                    toReview();
                }
            }
            case CANCEL -> {
                if (f.value != null) {
                    f.value = null;
                } else if (cursor > 0) {
                    cursor--;
                } else {
                    state = State.IDLE;
                }
            }
            default -> { }
        }
    }

    private void toReview() {
        draft = race == null ? workflow.turnout(fields.get(0).value, null) : workflow.result(form());
        warningsConfirmed = draft.findings().warnings().isEmpty();
        page = 0;
        state = State.REVIEW;
    }

    private TallyForm form() {
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (Field f : fields) {
            if (f.key.startsWith("candidate:")) {
                votes.put(f.key.substring("candidate:".length()), f.value);
            }
        }
        return new TallyForm(race.id(), value("registered"), value("received"), value("unused"), value("spoiled"),
                value("inBox"), value("invalid"), votes, null);
    }

    private int value(String key) {
        return fields.stream().filter(f -> f.key.equals(key)).findFirst().orElseThrow().value;
    }

    /** The review in screens: what the checks found first, then every figure as entered. */
    private List<List<String>> reviewPages() {
        List<String> head = new ArrayList<>();
        if (!draft.findings().ok()) {
            head.add(messages.get("review.errors"));
            draft.findings().errors().forEach(e -> head.add(messages.finding(e, figures())));
            head.add(messages.get("review.back"));
        } else if (!warningsConfirmed) {
            head.add(messages.get("review.warnings"));
            draft.findings().warnings().forEach(w -> head.add(messages.finding(w, figures())));
            head.add(messages.get("review.warnings.confirm"));
        } else {
            head.add(messages.get("review.title"));
            head.add(messages.get("review.hint"));
        }
        List<String> figures = new ArrayList<>();
        for (Field f : fields) {
            figures.add(f.label + ": " + f.value);
        }
        List<List<String>> pages = new ArrayList<>();
        pages.add(head);
        for (int i = 0; i < figures.size(); i += rows) {
            pages.add(figures.subList(i, Math.min(figures.size(), i + rows)));
        }
        return pages;
    }

    private List<String> review() {
        List<List<String>> pages = reviewPages();
        page = Math.min(page, pages.size() - 1);
        List<String> lines = new ArrayList<>(pages.get(page));
        if (notice != null) {
            lines.add(notice);
        }
        return lines;
    }

    private void reviewPressed(Button button) {
        int pages = reviewPages().size();
        switch (button) {
            case UP -> page = Math.max(0, page - 1);
            case DOWN -> page = Math.min(pages - 1, page + 1);
            case NEXT -> {
                if (!draft.findings().ok()) {
                    cursor = 0;
                    state = State.ENTRY; // correct the form
                } else {
                    page = Math.min(pages - 1, page + 1);
                }
            }
            case CONFIRM -> warningsConfirmed = true;
            case CANCEL -> {
                cursor = fields.size() - 1;
                state = State.ENTRY;
            }
            case TRANSMIT -> {
                if (!draft.findings().ok() || !warningsConfirmed) {
                    out.beep(300);
                    page = 0;
                } else {
                    confirmBy = clock.instant().plus(CONFIRM_WINDOW);
                    state = State.CONFIRM;
                }
            }
            default -> { }
        }
    }

    private void confirmPressed(Button button) {
        switch (button) {
            case CONFIRM -> commit();
            case CANCEL -> state = State.REVIEW;
            default -> { }
        }
    }

    private void commit() {
        try {
            OutboxEntry entry = workflow.commit(draft);
            queued = entry;
            held = false;
            pending++;
            state = State.QUEUED;
            out.committed(entry);
        } catch (DuplicateReportException e) {
            answer = List.of(messages.get("duplicate.title"), messages.get("duplicate.hint"),
                    messages.get("answer.hint"));
            state = State.ANSWERED;
        }
    }

    /** The figures rule sentences refer to: {0} registered ... {9} registered in the list. */
    private Object[] figures() {
        Object[] f = new Object[10];
        java.util.Arrays.fill(f, "-");
        f[9] = registered;
        if (draft != null && draft.preview() instanceof ResultReport r) {
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

    private ZonedDateTime now() {
        return clock.instant().atZone(election.polling().zone());
    }
}
