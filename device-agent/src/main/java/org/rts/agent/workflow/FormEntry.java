package org.rts.agent.workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rts.agent.i18n.Messages;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Race;

/**
 * The form the officer types on the unit, field by field: the turnout figure, or one race's result (the ballot
 * account, then each candidate in ballot order). Each field has a bound; a field is empty until typed.
 */
final class FormEntry {
    private static final int MAX_DIGITS = 7;
    private static final String CANDIDATE = "candidate:";

    /** One field; {@code value} null until typed. */
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

    /** Null for turnout. */
    private final Race race;
    private final List<Field> fields;
    private int cursor;

    private FormEntry(Race race, List<Field> fields) {
        this.race = race;
        this.fields = fields;
    }

    /** The number of voters so far, at most {@code registered}. */
    static FormEntry turnout(Messages messages, int registered) {
        return new FormEntry(null, List.of(new Field("voters", messages.get("field.voters"), registered, null)));
    }

    /** The result of {@code race}; the registered voters are filled in from the ballot definition. */
    static FormEntry result(Race race, Messages messages, int registered) {
        int most = registered * 2 + 1000; // room for a wrong form to be entered as written, and then checked
        List<Field> list = new ArrayList<>();
        list.add(new Field("registered", messages.get("field.registered"), most, registered));
        for (String key : List.of("received", "unused", "spoiled", "inBox", "invalid")) {
            list.add(new Field(key, messages.get("field." + key), most, null));
        }
        for (Candidate c : race.candidates()) {
            list.add(new Field(CANDIDATE + c.id(), messages.get("field.candidate", c.name()), most, null));
        }
        return new FormEntry(race, list);
    }

    /** Fills every field from a tally file's figures, each cut to its bound; {@code votes} in ballot order. */
    void fill(TallyForm form, List<Integer> votes) {
        int[] values = {form.registered(), form.received(), form.unused(), form.spoiled(), form.inBox(),
            form.invalid()};
        for (int i = 0; i < values.length; i++) {
            fields.get(i).value = Math.min(values[i], fields.get(i).max);
        }
        for (int i = 0; i < votes.size(); i++) {
            fields.get(values.length + i).value = Math.min(votes.get(i), fields.get(values.length + i).max);
        }
    }

    /** Types a digit into the current field; false, and the field unchanged, when it would pass its bound. */
    boolean type(int digit) {
        Field f = fields.get(cursor);
        long next = (f.value == null ? 0L : f.value) * 10L + digit;
        if (next > f.max || String.valueOf(next).length() > MAX_DIGITS) {
            return false;
        }
        f.value = (int) next;
        return true;
    }

    /** The current field's bound. */
    int max() {
        return fields.get(cursor).max;
    }

    void up() {
        Field f = fields.get(cursor);
        f.value = Math.min(f.max, f.value == null ? 1 : f.value + 1);
    }

    void down() {
        Field f = fields.get(cursor);
        f.value = Math.max(0, f.value == null ? 0 : f.value - 1);
    }

    /** Whether the current field has a value. */
    boolean filled() {
        return fields.get(cursor).value != null;
    }

    /** Moves to the next field; false at the last one. */
    boolean next() {
        if (cursor + 1 < fields.size()) {
            cursor++;
            return true;
        }
        return false;
    }

    /** Empties the current field, or else goes back one field; false when there is nothing left to undo. */
    boolean back() {
        Field f = fields.get(cursor);
        if (f.value != null) {
            f.value = null;
        } else if (cursor > 0) {
            cursor--;
        } else {
            return false;
        }
        return true;
    }

    void toFirst() {
        cursor = 0;
    }

    void toLast() {
        cursor = fields.size() - 1;
    }

    /** The entry screen: where in the form, the current field as typed so far, and {@code hint}. */
    List<String> screen(String hint) {
        Field f = fields.get(cursor);
        List<String> lines = new ArrayList<>();
        lines.add((cursor + 1) + "/" + fields.size() + "  " + f.label);
        lines.add(f.value == null ? "_" : f.value + "_");
        lines.add(hint);
        return lines;
    }

    /** Every field as entered, one line each, for the review. */
    List<String> asEntered() {
        List<String> lines = new ArrayList<>();
        for (Field f : fields) {
            lines.add(f.label + ": " + f.value);
        }
        return lines;
    }

    /** The draft the workflow makes of the completed form, with what its checks found. */
    Draft draft(Workflow workflow) {
        return race == null ? workflow.turnout(fields.get(0).value, null) : workflow.result(tallyForm());
    }

    private TallyForm tallyForm() {
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (Field f : fields) {
            if (f.key.startsWith(CANDIDATE)) {
                votes.put(f.key.substring(CANDIDATE.length()), f.value);
            }
        }
        return new TallyForm(race.id(), value("registered"), value("received"), value("unused"), value("spoiled"),
                value("inBox"), value("invalid"), votes, null);
    }

    private int value(String key) {
        return fields.stream().filter(f -> f.key.equals(key)).findFirst().orElseThrow().value;
    }
}
