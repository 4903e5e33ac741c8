package org.rts.hardware.pi;

/**
 * Integrating debounce for one contact, sampled every few milliseconds: its level changes only after
 * {@code samples} samples in a row agree, so contact bounce and glitches shorter than that never make a press, and
 * a button held down makes one press, not a stream of them.
 */
final class Debouncer {
    private final int samples;
    private boolean down;
    private boolean primed;
    private int agreeing;

    Debouncer(int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("debounce needs at least 1 sample, found: " + samples);
        }
        this.samples = samples;
    }

    /**
     * Takes one sample; true exactly when it completes a press (released, then down long enough). The first sample
     * sets the starting level: a button already down when the unit starts (stuck, or held) is not a press.
     */
    boolean sample(boolean contactDown) {
        if (!primed) {
            primed = true;
            down = contactDown;
            return false;
        }
        if (contactDown == down) {
            agreeing = 0;
            return false;
        }
        if (++agreeing < samples) {
            return false;
        }
        agreeing = 0;
        down = contactDown;
        return down;
    }
}
