package org.rts.agent.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.rts.agent.Agent;
import org.rts.agent.workflow.Draft;

/** The review of a report before it is signed: on the unit's display, and the officer's answer at the console. */
final class ReviewPrompt {
    private ReviewPrompt() {
    }

    /**
     * Shows the review; false when the form has errors, or has warnings that were not confirmed. {@code yes}
     * confirms the warnings; {@code interactive} asks at {@code console} instead of refusing.
     */
    static boolean confirm(Agent agent, Draft draft, boolean yes, boolean interactive, BufferedReader console)
            throws IOException {
        PrintStream out = System.out;
        List<String> lines = new ArrayList<>(draft.review());
        draft.findings().errors().forEach(f -> lines.add("ERROR " + f));
        draft.findings().warnings().forEach(f -> lines.add("WARNING " + f));
        agent.hardware().display().show(lines);
        if (!draft.findings().ok()) {
            out.println("NOT TRANSMITTED: the form breaks a reconciliation rule. Check the paper form:");
            draft.findings().errors().forEach(f -> out.println("  " + f.code() + ": " + f.detail()));
            return false;
        }
        if (!draft.findings().warnings().isEmpty() && !yes) {
            if (!interactive) {
                out.println("NOT TRANSMITTED: check the warnings on the paper form, then run again with --yes.");
                return false;
            }
            out.print("Transmit with these warnings? [y/N] ");
            out.flush();
            String answer = console.readLine();
            return answer != null && answer.strip().equalsIgnoreCase("y");
        }
        if (interactive && !yes) {
            out.print("Transmit? [y/N] ");
            out.flush();
            String answer = console.readLine();
            return answer != null && answer.strip().equalsIgnoreCase("y");
        }
        return true;
    }
}
