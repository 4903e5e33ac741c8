package org.rts.hardware;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.rts.hardware.camera.SimulatedCamera;
import org.rts.hardware.pi.PiHardware;
import org.rts.hardware.print.PngPrinter;
import org.rts.hardware.profile.Profile;
import org.rts.hardware.profile.ProfileFiles;
import org.rts.hardware.simulated.SimulatedBattery;
import org.rts.hardware.simulated.SimulatedButtons;
import org.rts.hardware.simulated.SimulatedDisplay;
import org.rts.hardware.simulated.SimulatedIndicators;
import org.rts.hardware.simulated.SimulatedTamper;

/** Opens the hardware profile named in the device configuration: a built-in name or a profile file. */
public final class HardwareProfiles {
    public static final List<String> NAMES = ProfileFiles.BUILT_IN;
    /**
     * The simulated battery drains 5 % an hour on battery and charges 20 % an hour on mains; it starts full on mains
     * unless {@code rts.simulated.percent}, {@code rts.simulated.mains} and {@code rts.simulated.drain} (% an hour)
     * say otherwise (the demonstration's units run down in minutes).
     */
    static final double SIMULATED_DRAIN_PER_HOUR = 5;
    static final double SIMULATED_CHARGE_PER_HOUR = 20;

    private HardwareProfiles() {
    }

    /**
     * Opens {@code name}. {@code console} is where a simulated display draws; {@code scheduler} samples buttons
     * and times the buzzer; a simulated printer writes its slips into {@code slips}. Throws naming the profile file
     * and line when the profile is wrong.
     */
    public static Hardware open(String name, PrintStream console, Clock clock, ScheduledExecutorService scheduler,
                                Path slips) {
        Profile profile = ProfileFiles.load(name);
        if (profile.simulated()) {
            SimulatedIndicators indicators = new SimulatedIndicators();
            boolean terminal = console == System.out && System.console() != null;
            return new Hardware(profile.name(), new SimulatedDisplay(console, indicators::describe, terminal),
                    new SimulatedBattery(clock, Double.parseDouble(System.getProperty("rts.simulated.percent", "100")),
                            !"false".equals(System.getProperty("rts.simulated.mains")),
                            Double.parseDouble(System.getProperty("rts.simulated.drain", "" + SIMULATED_DRAIN_PER_HOUR)),
                            SIMULATED_CHARGE_PER_HOUR),
                    new SimulatedButtons(), indicators, new SimulatedTamper(),
                    profile.printer() == null ? null : new PngPrinter(slips),
                    profile.camera() == null ? null : new SimulatedCamera(clock), () -> { });
        }
        return PiHardware.open(profile, scheduler);
    }

    /** The simulated profile for one-shot commands and tests: nothing sampled, nothing scheduled. */
    public static Hardware open(String name, PrintStream console) {
        return open(name, console, Clock.systemUTC(), null, Path.of(System.getProperty("java.io.tmpdir"), "rts-slips"));
    }
}
