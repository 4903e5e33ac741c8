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

    /** Presses the buttons from keys typed at a terminal, as they are read. */
    @FunctionalInterface
    interface KeyReader {
        /** Reads keys from {@code in} until it ends. */
        void readFrom(java.io.InputStream in) throws java.io.IOException;
    }

    /** How keys typed at a terminal press these buttons: a simulated unit's; none for a board's own. */
    default java.util.Optional<KeyReader> keys() {
        return java.util.Optional.empty();
    }

    @Override
    void close();
}
