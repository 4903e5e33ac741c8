package org.rts.hardware.simulated;

import java.io.PrintStream;
import java.util.List;
import org.rts.hardware.Display;

/** A display drawn as a framed block on a console; remembers what it shows so tests can read it. */
public final class SimulatedDisplay implements Display {
    private final PrintStream out;
    private volatile List<String> shown = List.of();

    public SimulatedDisplay(PrintStream out) {
        this.out = out;
    }

    @Override
    public void show(List<String> lines) {
        shown = List.copyOf(lines);
        int width = lines.stream().mapToInt(String::length).max().orElse(0);
        String rule = "+" + "-".repeat(width + 2) + "+";
        StringBuilder sb = new StringBuilder(rule).append('\n');
        for (String line : lines) {
            sb.append("| ").append(line).append(" ".repeat(width - line.length())).append(" |\n");
        }
        out.print(sb.append(rule).append('\n'));
        out.flush();
    }

    public List<String> shown() {
        return shown;
    }
}
