package org.rts.hardware.simulated;

import java.io.IOException;
import java.io.InputStream;
import org.rts.hardware.Button;

/**
 * Maps keys typed in a terminal to the unit's buttons: digits to the keypad, {@code t} transmit, {@code c}
 * confirm, {@code x} cancel, {@code u}/{@code d} up and down, {@code n} or Enter next. Other keys are ignored.
 */
public final class SimulatedKeys {
    private final SimulatedButtons buttons;

    public SimulatedKeys(SimulatedButtons buttons) {
        this.buttons = buttons;
    }

    /** Presses what {@code key} stands for; false when it stands for nothing. */
    public boolean type(char key) {
        if (key >= '0' && key <= '9') {
            buttons.digit(key - '0');
            return true;
        }
        Button b = switch (Character.toLowerCase(key)) {
            case 't' -> Button.TRANSMIT;
            case 'c' -> Button.CONFIRM;
            case 'x' -> Button.CANCEL;
            case 'u' -> Button.UP;
            case 'd' -> Button.DOWN;
            case 'n', '\n', '\r' -> Button.NEXT;
            default -> null;
        };
        if (b == null) {
            return false;
        }
        buttons.press(b);
        return true;
    }

    /** Reads keys from {@code in} until it ends (a daemon thread in the service). */
    public void readFrom(InputStream in) throws IOException {
        int c;
        while ((c = in.read()) >= 0) {
            type((char) c);
        }
    }
}
