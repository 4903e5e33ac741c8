package org.rts.hardware.simulated;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Supplier;
import org.rts.hardware.Display;

/**
 * A display drawn as a framed block on a terminal, with the lights on a status line under it; remembers what it
 * shows so tests can read it. Arabic is written in logical order: the terminal shapes and orders it.
 */
public final class SimulatedDisplay implements Display {
    private final PrintStream out;
    private final Supplier<String> status;
    private final boolean terminal;
    private volatile List<String> shown = List.of();
    private String drawn = "";

    /** {@code terminal}: clear the screen before each frame, as a real display replaces its picture. */
    public SimulatedDisplay(PrintStream out, Supplier<String> status, boolean terminal) {
        this.out = out;
        this.status = status;
        this.terminal = terminal;
    }

    public SimulatedDisplay(PrintStream out) {
        this(out, () -> "", false);
    }

    @Override
    public synchronized void show(List<String> lines) {
        shown = List.copyOf(lines);
        int width = Math.max(20, lines.stream().mapToInt(String::length).max().orElse(0));
        String rule = "+" + "-".repeat(width + 2) + "+";
        StringBuilder sb = new StringBuilder(rule).append('\n');
        for (String line : lines) {
            sb.append("| ").append(line).append(" ".repeat(width - line.length())).append(" |\n");
        }
        sb.append(rule).append('\n');
        String lights = status.get();
        if (!lights.isEmpty()) {
            sb.append(lights).append('\n');
        }
        String frame = sb.toString();
        if (frame.equals(drawn)) {
            return; // the same picture: nothing to redraw
        }
        drawn = frame;
        out.print(terminal ? "\033[H\033[2J" + frame : frame);
        out.flush();
    }

    public List<String> shown() {
        return shown;
    }
}
