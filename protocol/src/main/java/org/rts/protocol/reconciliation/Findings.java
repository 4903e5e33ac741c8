package org.rts.protocol.reconciliation;

import java.util.ArrayList;
import java.util.List;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Reason;

/** What the checks found: errors block a report, warnings travel with it. */
public record Findings(List<Finding> errors, List<Finding> warnings) {
    public Findings {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    static final class Builder {
        private final List<Finding> errors = new ArrayList<>();
        private final List<Finding> warnings = new ArrayList<>();

        void error(Reason reason, String detail) {
            errors.add(Finding.of(reason, detail));
        }

        void rule(Rule rule, String detail) {
            (rule.isError() ? errors : warnings).add(new Finding(rule.code(), detail));
        }

        boolean hasErrors() {
            return !errors.isEmpty();
        }

        Findings build() {
            return new Findings(errors, warnings);
        }
    }
}
