package org.rts.agent.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.rts.hardware.Button;
import org.rts.hardware.Hardware;
import org.rts.hardware.HardwareProfiles;
import org.rts.hardware.Indicator;
import org.rts.hardware.simulated.SimulatedDisplay;
import org.rts.hardware.simulated.SimulatedIndicators;

/** The workflow on the simulated profile: the terminal shows what the flow shows, the lights as it sets them. */
class OfficerFlowSimulatedTest extends OfficerFlowContract {
    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();

    @Override
    Hardware openHardware() {
        return HardwareProfiles.open("simulated", new PrintStream(terminal, true, StandardCharsets.UTF_8));
    }

    @Test
    void the_terminal_shows_the_screen_and_the_pending_light() {
        flow.pressed(Button.NEXT);
        flow.digit(9);
        flow.pressed(Button.NEXT);
        flow.pressed(Button.TRANSMIT);
        flow.pressed(Button.CONFIRM);
        assertEquals(out.screen, ((SimulatedDisplay) hardware.display()).shown());
        assertTrue(((SimulatedIndicators) hardware.indicators()).isOn(Indicator.PENDING));
        assertTrue(terminal.toString(StandardCharsets.UTF_8).contains("[PENDING]"));
    }
}
