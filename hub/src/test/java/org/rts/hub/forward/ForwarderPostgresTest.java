package org.rts.hub.forward;

import org.junit.jupiter.api.AfterEach;
import org.rts.hub.testing.TestDatabase;

/** The same forwarding from a PostgreSQL store, where several hubs may share the queue. */
class ForwarderPostgresTest extends ForwarderTest {
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
