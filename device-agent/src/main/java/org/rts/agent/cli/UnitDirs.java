package org.rts.agent.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the unit keeps its bundle and its outbox: the options every command takes. */
final class UnitDirs {
    @Option(names = "--bundle", defaultValue = "/etc/rts/bundle",
            description = "Bundle directory (default: ${DEFAULT-VALUE}).")
    Path bundle;

    @Option(names = "--data", description = "Directory of the outbox (default: the bundle directory).")
    Path data;

    Path dataDir() {
        return data != null ? data : bundle;
    }

    Path outboxFile() {
        return dataDir().resolve("outbox.db");
    }
}
