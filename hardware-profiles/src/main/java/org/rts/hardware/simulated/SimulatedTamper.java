package org.rts.hardware.simulated;

import org.rts.hardware.Tamper;

/** A case switch a test opens and closes. */
public final class SimulatedTamper implements Tamper {
    private volatile boolean open;

    public void set(boolean open) {
        this.open = open;
    }

    @Override
    public boolean open() {
        return open;
    }
}
