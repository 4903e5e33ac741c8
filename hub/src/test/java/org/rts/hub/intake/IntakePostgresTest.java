package org.rts.hub.intake;

import org.junit.jupiter.api.AfterEach;
import org.rts.hub.testing.TestDatabase;

/** Every intake test again, with the store in PostgreSQL as hubs sharing the work keep it. */
class IntakePostgresTest extends IntakeTest {
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
