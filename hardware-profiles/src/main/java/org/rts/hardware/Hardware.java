package org.rts.hardware;

/**
 * The devices a profile provides to the agent; {@code printer} and {@code camera} are null where the build has
 * none. {@link #close} releases the board.
 */
public record Hardware(String profile, Display display, BatteryGauge battery, Buttons buttons, Indicators indicators,
                       Tamper tamper, Printer printer, Camera camera, AutoCloseable board) implements AutoCloseable {
    @Override
    public void close() {
        buttons.close();
        indicators.close();
        try {
            board.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot release the board: " + e.getMessage(), e);
        }
    }
}
