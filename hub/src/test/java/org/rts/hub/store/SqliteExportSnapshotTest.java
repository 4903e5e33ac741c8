package org.rts.hub.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** An export's view of the store in one SQLite file, a single hub's. */
class SqliteExportSnapshotTest extends ExportSnapshotContract {
    @TempDir
    Path dir;

    @Override
    String location() {
        return dir.resolve("hub.db").toString();
    }
}
