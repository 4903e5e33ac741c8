package org.rts.hub.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The forwarding queue in one SQLite file, a single hub's. */
class SqliteForwardQueueTest extends ForwardQueueContract {
    @TempDir
    Path dir;

    @Override
    String location() {
        return dir.resolve("hub.db").toString();
    }
}
