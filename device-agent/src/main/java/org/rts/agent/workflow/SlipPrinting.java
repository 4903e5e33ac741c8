package org.rts.agent.workflow;

import org.rts.agent.i18n.Messages;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.protocol.Topics;

/** The accepted result whose slip is printed once, and again on each TRANSMIT while its answer is shown. */
final class SlipPrinting {
    private final Messages messages;
    private final FlowOutputs out;
    private OutboxEntry entry;
    private String code;

    SlipPrinting(Messages messages, FlowOutputs out) {
        this.messages = messages;
        this.out = out;
    }

    /**
     * The hub accepted {@code accepted} with receipt {@code code}: a result's slip is printed where the unit has a
     * printer. Returns the answer screen's line about it, or null for none.
     */
    String accepted(OutboxEntry accepted, String receiptCode) {
        boolean slip = out.printer() && accepted.kind().equals(Topics.RESULT);
        entry = slip ? accepted : null;
        code = receiptCode;
        return slip ? print("answer.copy.print") : null;
    }

    /** Whether a slip can be printed again now. */
    boolean printable() {
        return entry != null;
    }

    /** One more copy; the answer screen's line about it. */
    String again() {
        return print("slip.printed");
    }

    String code() {
        return code;
    }

    /** The answer was dismissed: no more copies. */
    void dismiss() {
        entry = null;
    }

    private String print(String printedKey) {
        String failed = out.print(entry, code);
        if (failed != null) {
            out.beep(600);
        }
        return failed == null ? messages.get(printedKey) : messages.get("slip.failed", failed);
    }
}
