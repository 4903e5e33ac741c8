package org.rts.hardware.simulated;

import org.rts.hardware.Button;
import org.rts.hardware.Buttons;

/** Buttons pressed by a test or by keys typed in the terminal ({@link SimulatedKeys}); same events as hardware. */
public final class SimulatedButtons implements Buttons {
    private volatile Listener listener = button -> { };

    @Override
    public void listen(Listener listener) {
        this.listener = listener;
    }

    /** Keys typed at a terminal, mapped by {@link SimulatedKeys}. */
    @Override
    public java.util.Optional<KeyReader> keys() {
        return java.util.Optional.of(in -> new SimulatedKeys(this).readFrom(in));
    }

    public void press(Button button) {
        listener.pressed(button);
    }

    public void digit(int digit) {
        if (digit < 0 || digit > 9) {
            throw new IllegalArgumentException("a keypad digit is 0..9, found: " + digit);
        }
        listener.digit(digit);
    }

    @Override
    public void close() {
        listener = button -> { };
    }
}
