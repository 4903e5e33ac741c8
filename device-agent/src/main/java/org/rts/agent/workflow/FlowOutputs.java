package org.rts.agent.workflow;

import java.util.List;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.hardware.Indicator;

/** What the officer's flow drives: the screen, the lights, the buzzer, the printer, and the service. */
public interface FlowOutputs {
    void show(List<String> lines);

    void indicator(Indicator indicator, boolean on);

    void beep(int millis);

    /** A report was committed to the outbox: send it. */
    void committed(OutboxEntry entry);

    /** The battery is empty: stop cleanly (the outbox is already on disk). */
    void shutdown();

    /** Whether the unit has a receipt printer: an accepted result is printed, and more copies on TRANSMIT. */
    default boolean printer() {
        return false;
    }

    /** Prints the slip of {@code entry}, a result accepted with receipt {@code code}: null, or why not. */
    default String print(OutboxEntry entry, String code) {
        return "no printer";
    }

    /** Whether the unit has a camera for the photo of the signed form. */
    default boolean camera() {
        return false;
    }

    /** Takes and keeps the photo of the signed form; throws saying why there is none. */
    default org.rts.protocol.message.Photo photograph() throws java.io.IOException {
        throw new java.io.IOException("no camera");
    }
}
