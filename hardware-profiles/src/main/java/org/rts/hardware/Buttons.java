package org.rts.hardware;

/** The unit's buttons (and keypad, where the board has one), debounced: one event per press. */
public interface Buttons extends AutoCloseable {
    /** Receives presses, on the hardware's thread: hand them on, do not block. */
    interface Listener {
        void pressed(Button button);

        /** A digit key of a keypad, 0..9. */
        default void digit(int digit) {
        }
    }

    void listen(Listener listener);

    @Override
    void close();
}
