package org.rts.agent.cli;

import static org.rts.agent.AgentMain.ACCEPTED;

import java.util.concurrent.Callable;
import org.rts.agent.bundle.Identity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code device-agent enroll}: the unit's key and its certificate request. */
@Command(name = "enroll", mixinStandardHelpOptions = true,
        description = "Make this unit's key (it never leaves the unit) and its certificate request for the"
                + " technician.")
public final class EnrollCommand implements Callable<Integer> {
    @Mixin
    UnitDirs dirs;

    @Option(names = "--device", required = true, description = "Device id printed on the unit.")
    String device;

    @Override
    public Integer call() {
        boolean created = Identity.enrol(dirs.bundle, device);
        System.out.printf("%s key in %s; certificate request written to %s: give it to the technician%n",
                created ? "new" : "kept the existing", dirs.bundle.resolve("device.key"),
                dirs.bundle.resolve("device.csr"));
        return ACCEPTED;
    }
}
