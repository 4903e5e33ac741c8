package org.rts.agent.workflow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.rts.agent.AgentException;
import org.rts.agent.i18n.Messages;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.hardware.BatteryReading;
import org.rts.hardware.Button;
import org.rts.hardware.Indicator;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.ResultReport;

/**
 * The presiding officer's workflow as a state machine, the same on every board:
 * {@code IDLE} (menu; a turnout prompt at the election's times) → {@code ENTRY} (field by field, digits or
 * up/down) → {@code REVIEW} (screen by screen, with what the checks found: an error names the rule and the figures
 * and goes back to editing, a warning needs CONFIRM) → {@code PHOTO} (a result, where the ballot asks for the photo
 * of the signed form and the unit has a camera: {@link PhotoStep}) → {@code CONFIRM} (TRANSMIT, then CONFIRM within
 * {@link #CONFIRM_WINDOW}; no confirm returns to review) → {@code QUEUED} (signed and in the outbox) →
 * {@code ANSWERED} (the receipt code, or the reasons, until dismissed; an accepted result's slip is printed where
 * the unit has a printer, and again on each TRANSMIT). {@code REVOKED} when the broker refuses the
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

    public enum State { IDLE, ENTRY, REVIEW, PHOTO, CONFIRM, QUEUED, ANSWERED, REVOKED, SHUTDOWN }

    private final Workflow workflow;
    private final Election election;
    private final String station;
    private final int registered;
    private final Messages messages;
    private final FlowOutputs out;
    private final Clock clock;
    private final int rows;
    private final Screens screens;
    private final TurnoutPrompts prompts;

    private State state = State.IDLE;
    private int menu;
    private FormEntry form;
    /** The form's last review; null from when a new form is started until it is first reviewed. */
    private Review review;
    private Instant confirmBy;
    private OutboxEntry queued;
    private boolean held;
    private List<String> answer = List.of();
    private String notice;
    private int pending;
    private BatteryReading battery;
    private String refusedBy;
    private PhotoStep photo;
    private final SlipPrinting slips;

    public OfficerFlow(Workflow workflow, Election election, String station, Messages messages, FlowOutputs out,
                       Clock clock, int rows) {
        this.workflow = workflow;
        this.election = election;
        this.station = station;
        this.registered = election.station(station).orElseThrow().registeredVoters();
        this.messages = messages;
        this.out = out;
        this.clock = clock;
        this.rows = Math.max(2, rows);
        this.screens = new Screens(messages, election, station, workflow);
        this.slips = new SlipPrinting(messages, out);
        this.prompts = new TurnoutPrompts(election.polling().turnoutAt(), now().toLocalTime());
    }

    public State state() {
        return state;
    }

    /** Draws the current screen (at start, and after anything changed). */
    public void render() {
        List<String> lines = switch (state) {
            case IDLE -> screens.idle(now(), battery, pending, menu, notice, refusedBy != null);
            case ENTRY -> form.screen(notice != null ? notice : messages.get("entry.hint"));
            case REVIEW -> review.screen(messages, () -> screens.figures(review.draft()), notice);
            case PHOTO -> photo.screen();
            case CONFIRM -> screens.confirm();
            case QUEUED -> screens.queued(held);
            case ANSWERED -> answer;
            case REVOKED -> screens.revoked();
            case SHUTDOWN -> screens.shutdown();
        };
        out.indicator(Indicator.PENDING, pending > 0);
        out.indicator(Indicator.ERROR, state == State.REVOKED || (state == State.REVIEW && review != null
                && review.failed()));
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
            case PHOTO -> {
                PhotoStep.Outcome next = photo.pressed(button, out);
                if (next != PhotoStep.Outcome.STAY) {
                    toConfirm(next == PhotoStep.Outcome.DONE ? State.CONFIRM : State.REVIEW);
                }
            }
            case CONFIRM -> confirmPressed(button);
            case QUEUED, REVOKED -> {
                if (button == Button.NEXT || button == Button.CANCEL) {
                    state = State.IDLE;
                }
            }
            case ANSWERED -> {
                if (button == Button.TRANSMIT && slips.printable()) {
                    answer = screens.accepted(slips.code(), slips.again());
                } else if (button == Button.NEXT || button == Button.CONFIRM || button == Button.CANCEL) {
                    slips.dismiss();
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
        if (form.type(digit)) {
            notice = null;
        } else {
            notice = messages.get("entry.max", form.max());
            out.beep(200);
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
        Optional<LocalTime> due = prompts.due(now().toLocalTime().withSecond(0).withNano(0));
        if (due.isPresent() && state == State.IDLE) {
            startTurnout();
            notice = messages.get("turnout.due", due.get().toString());
            out.beep(500);
            changed = true;
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
        if (receipt.accepted()) {
            answer = screens.accepted(receipt.code(), slips.accepted(entry, receipt.code()));
            out.beep(100);
        } else {
            answer = screens.rejected(receipt.reasons(), review == null ? null : review.draft());
            out.beep(600);
        }
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

    /** A tally file found on a USB stick is being read (named by its file name); its result follows. */
    public void reading(String fileName) {
        if (state == State.IDLE || state == State.ENTRY) {
            notice = messages.get("file.reading", fileName);
            render();
        }
    }

    /** A tally file was found on a USB stick but not loaded, for {@code problem}. */
    public void unreadable(TallyFileProblem problem) {
        if (state == State.IDLE || state == State.ENTRY) {
            notice = messages.get(problem.messageKey());
            out.beep(600);
            render();
        }
    }

    /** A tally file found on a USB stick: refused unless it is for this election and station. */
    public void loaded(TallyForm tally, String electionId, String stationId) {
        if (state != State.IDLE && state != State.ENTRY) {
            return;
        }
        if (!election.id().equals(electionId) || !station.equals(stationId)) {
            notice = messages.get("file.foreign", stationId + " / " + electionId);
            out.beep(600);
            render();
            return;
        }
        Race r = election.race(tally.race()).orElse(null);
        if (r == null || !election.onBallot(station, r.id())) {
            notice = messages.get(r == null ? "file.unreadable" : "reason.RACE_NOT_ON_BALLOT");
            render();
            return;
        }
        startResult(r);
        List<Integer> votes;
        try {
            votes = tally.votesInBallotOrder(r);
        } catch (AgentException e) {
            notice = messages.get("file.unreadable");
            render();
            return;
        }
        form.fill(tally, votes);
        toReview();
        notice = messages.get("file.loaded", r.id());
        render();
    }

    // ---- states

    private void idlePressed(Button button) {
        int items = screens.menu().size();
        switch (button) {
            case UP -> menu = (menu + items - 1) % items;
            case DOWN -> menu = (menu + 1) % items;
            case NEXT, CONFIRM -> {
                if (menu == 0) {
                    startTurnout();
                } else {
                    startResult(election.ballot(station).get(menu - 1));
                }
            }
            default -> { }
        }
    }

    private void startTurnout() {
        form = FormEntry.turnout(messages, registered);
        review = null;
        state = State.ENTRY;
    }

    private void startResult(Race r) {
        form = FormEntry.result(r, messages, election.station(station).orElseThrow().registeredVoters(r.id()));
        review = null;
        state = State.ENTRY;
    }

    private void entryPressed(Button button) {
        switch (button) {
            case UP -> form.up();
            case DOWN -> form.down();
            case NEXT, CONFIRM -> {
                if (!form.filled()) {
                    out.beep(200);
                } else if (!form.next()) {
                    toReview();
                }
            }
            case CANCEL -> {
                if (!form.back()) {
                    state = State.IDLE;
                }
            }
            default -> { }
        }
    }

    private void toReview() {
        review = new Review(form.draft(workflow), form.asEntered(), rows);
        state = State.REVIEW;
    }

    private void reviewPressed(Button button) {
        switch (button) {
            case UP -> review.previous();
            case DOWN -> review.next();
            case NEXT -> {
                if (review.failed()) {
                    form.toFirst();
                    state = State.ENTRY; // correct the form
                } else {
                    review.next();
                }
            }
            case CONFIRM -> review.confirmWarnings();
            case CANCEL -> {
                form.toLast();
                state = State.ENTRY;
            }
            case TRANSMIT -> {
                if (!review.ready()) {
                    out.beep(300);
                    review.toFirst();
                } else if (election.photos() != null && review.draft().preview() instanceof ResultReport) {
                    // a unit without a camera sends the result saying it has no photo, rather than strand it
                    photo = new PhotoStep(messages, election.photos() == Election.Photos.OPTIONAL, out.camera());
                    if (photo.photo() == null) {
                        state = State.PHOTO;
                    } else {
                        toConfirm(State.CONFIRM);
                    }
                } else {
                    toConfirm(State.CONFIRM);
                }
            }
            default -> { }
        }
    }

    /** To the confirmation of the reviewed report (the photo step done), or back to its review. */
    private void toConfirm(State next) {
        confirmBy = clock.instant().plus(CONFIRM_WINDOW);
        state = next;
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
            OutboxEntry entry = workflow.commit(review.draft(), photo == null ? null : photo.photo());
            photo = null;
            queued = entry;
            held = false;
            pending++;
            state = State.QUEUED;
            out.committed(entry);
        } catch (DuplicateReportException e) {
            answer = screens.duplicate();
            state = State.ANSWERED;
        }
    }

    private ZonedDateTime now() {
        return clock.instant().atZone(election.polling().zone());
    }
}
