package org.rts.hub.export;

import org.junit.jupiter.api.AfterEach;
import org.rts.hub.testing.TestDatabase;

/** The same export read from a PostgreSQL store, in a schema of its own. */
class ExporterPostgresTest extends ExporterTest {
    private final TestDatabase database = new TestDatabase();

    @Override
    String storeLocation() {
        return database.url();
    }

    @AfterEach
    void dropSchema() {
        database.close();
    }
}
