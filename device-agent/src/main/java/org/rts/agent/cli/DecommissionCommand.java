package org.rts.agent.cli;

import static org.rts.agent.AgentMain.ACCEPTED;
import static org.rts.agent.AgentMain.REFUSED;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rts.agent.ProcessLock;
import org.rts.agent.bundle.Identity;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxLostException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code device-agent decommission}: wipes the unit, refused while messages wait unless forced. */
@Command(name = "decommission", mixinStandardHelpOptions = true,
        description = "Wipe this unit's key, bundle and outbox.")
public final class DecommissionCommand implements Callable<Integer> {
    @Mixin
    UnitDirs dirs;

    @Option(names = "--force", description = "Wipe even though messages still wait for their receipt.")
    boolean force;

    @Override
    public Integer call() {
        Path outboxFile = dirs.outboxFile();
        try (ProcessLock lock = ProcessLock.acquire(dirs.dataDir(), "decommission")) {
            if (Files.exists(outboxFile) && !force) {
                int pending;
                try (Outbox outbox = Outbox.open(outboxFile)) {
                    pending = outbox.pending().size();
                } catch (OutboxLostException e) {
                    System.out.println("NOT WIPED: " + e.getMessage() + ". Use --force to wipe anyway.");
                    return REFUSED;
                }
                if (pending > 0) {
                    System.out.printf("NOT WIPED: %d message(s) still wait for the hub's receipt. Run"
                            + " 'device-agent send' first, or --force to lose them.%n", pending);
                    return REFUSED;
                }
            }
            Identity.wipe(dirs.bundle, outboxFile);
        }
        System.out.println("key, bundle and outbox wiped from " + dirs.bundle);
        return ACCEPTED;
    }
}
