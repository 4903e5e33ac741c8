package org.rts.hub.store;

import org.junit.jupiter.api.AfterEach;
import org.rts.hub.testing.TestDatabase;

/** The forwarding queue in PostgreSQL, shared by the hubs of a group; each test in a schema of its own. */
class PostgresForwardQueueTest extends ForwardQueueContract {
    private final TestDatabase database = new TestDatabase();

    @Override
    String location() {
        return database.url();
    }

    @AfterEach
    void dropSchema() {
        database.close();
    }
}
