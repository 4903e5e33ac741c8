package org.rts.hardware;

/** Status lights and the buzzer. */
public interface Indicators extends AutoCloseable {
    void set(Indicator indicator, boolean on);

    /** Sounds the buzzer for {@code millis} (where the board has one). */
    void beep(int millis);

    @Override
    void close();
}
