package org.rts.hardware.simulated;

import java.util.EnumSet;
import java.util.Set;
import org.rts.hardware.Indicator;
import org.rts.hardware.Indicators;

/** Lights a test can read, drawn on the simulated display's status line. */
public final class SimulatedIndicators implements Indicators {
    private final Set<Indicator> lit = EnumSet.noneOf(Indicator.class);
    private volatile int beeps;

    @Override
    public synchronized void set(Indicator indicator, boolean on) {
        if (on) {
            lit.add(indicator);
        } else {
            lit.remove(indicator);
        }
    }

    public synchronized boolean isOn(Indicator indicator) {
        return lit.contains(indicator);
    }

    /** e.g. {@code [POWER ONLINE PENDING]}. */
    public synchronized String describe() {
        return lit.toString().replace(",", "");
    }

    @Override
    public void beep(int millis) {
        beeps++;
    }

    public int beeps() {
        return beeps;
    }

    @Override
    public void close() {
    }
}
