package org.rts.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import org.rts.agent.outbox.Outbox;
import org.rts.hub.testing.TestElection;

/** The units of a {@link TestElection} as an import leaves them: bundle in place, outbox created. */
final class Units {
    private Units() {
    }

    static void ready(TestElection election, int count) {
        for (int i = 1; i <= count; i++) {
            Path outbox = election.files.bundle("dev-" + i).dir().resolve("outbox.db");
            if (!Files.exists(outbox)) {
                Outbox.create(outbox).close();
            }
        }
    }
}
