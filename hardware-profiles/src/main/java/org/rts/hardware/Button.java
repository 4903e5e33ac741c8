package org.rts.hardware;

/** The unit's buttons, whatever the board: a keypad's digit keys arrive as {@link Buttons.Listener#digit}. */
public enum Button {
    TRANSMIT,
    CONFIRM,
    CANCEL,
    UP,
    DOWN,
    NEXT
}
