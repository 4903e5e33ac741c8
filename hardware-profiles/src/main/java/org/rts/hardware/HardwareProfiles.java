package org.rts.hardware;

import java.io.PrintStream;
import java.util.List;
import org.rts.hardware.simulated.SimulatedBattery;
import org.rts.hardware.simulated.SimulatedDisplay;

/** Opens the hardware profile named in the device configuration. */
public final class HardwareProfiles {
    public static final List<String> NAMES = List.of("simulated");

    private HardwareProfiles() {
    }

    /** {@code console} is where a simulated display writes. */
    public static Hardware open(String name, PrintStream console) {
        if ("simulated".equals(name)) {
            return new Hardware(name, new SimulatedDisplay(console), new SimulatedBattery(100.0, 8.2, true));
        }
        throw new IllegalArgumentException("hardware profile '" + name + "' is unknown; known profiles: " + NAMES);
    }
}
