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

    /** Both lists, this one's first. */
    public Findings and(Findings other) {
        List<Finding> e = new ArrayList<>(errors);
        e.addAll(other.errors);
        List<Finding> w = new ArrayList<>(warnings);
        w.addAll(other.warnings);
        return new Findings(e, w);
    }

    static final class Builder {
        private final List<Finding> errors = new ArrayList<>();
        private final List<Finding> warnings = new ArrayList<>();

        void error(Reason reason, String detail) {
            errors.add(Finding.of(reason, detail));
        }

        void warning(org.rts.protocol.message.Warning warning, String detail) {
            warnings.add(Finding.of(warning, detail));
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
