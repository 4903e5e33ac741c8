package org.rts.agent.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.rts.agent.i18n.Messages;

/**
 * A draft under review on the unit's display, screen by screen: what the checks found first (an error sends the
 * officer back to the form, warnings need CONFIRM), then every figure as entered, {@code rows} to a screen.
 */
final class Review {
    private final Draft draft;
    private final List<String> asEntered;
    private final int rows;
    private boolean warningsConfirmed;
    private int page;

    Review(Draft draft, List<String> asEntered, int rows) {
        this.draft = draft;
        this.asEntered = List.copyOf(asEntered);
        this.rows = rows;
        this.warningsConfirmed = draft.findings().warnings().isEmpty();
    }

    Draft draft() {
        return draft;
    }

    /** Whether the form breaks a rule. */
    boolean failed() {
        return !draft.findings().ok();
    }

    /** Whether it may be transmitted: no error, and any warnings confirmed. */
    boolean ready() {
        return draft.findings().ok() && warningsConfirmed;
    }

    void confirmWarnings() {
        warningsConfirmed = true;
    }

    void previous() {
        page = Math.max(0, page - 1);
    }

    void next() {
        page = Math.min(pageCount() - 1, page + 1);
    }

    void toFirst() {
        page = 0;
    }

    /**
     * The current screen, then {@code notice} if any. {@code figures}: the figures the rule sentences refer to,
     * asked for each finding shown.
     */
    List<String> screen(Messages messages, Supplier<Object[]> figures, String notice) {
        List<List<String>> pages = pages(messages, figures);
        page = Math.min(page, pages.size() - 1);
        List<String> lines = new ArrayList<>(pages.get(page));
        if (notice != null) {
            lines.add(notice);
        }
        return lines;
    }

    /** The findings (or the title) on one screen, then the figures {@code rows} to a screen. */
    private int pageCount() {
        return 1 + (asEntered.size() + rows - 1) / rows;
    }

    private List<List<String>> pages(Messages messages, Supplier<Object[]> figures) {
        List<String> head = new ArrayList<>();
        if (!draft.findings().ok()) {
            head.add(messages.get("review.errors"));
            draft.findings().errors().forEach(e -> head.add(messages.finding(e, figures.get())));
            head.add(messages.get("review.back"));
        } else if (!warningsConfirmed) {
            head.add(messages.get("review.warnings"));
            draft.findings().warnings().forEach(w -> head.add(messages.finding(w, figures.get())));
            head.add(messages.get("review.warnings.confirm"));
        } else {
            head.add(messages.get("review.title"));
            head.add(messages.get("review.hint"));
        }
        List<List<String>> pages = new ArrayList<>();
        pages.add(head);
        for (int i = 0; i < asEntered.size(); i += rows) {
            pages.add(asEntered.subList(i, Math.min(asEntered.size(), i + rows)));
        }
        return pages;
    }
}
