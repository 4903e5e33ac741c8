package org.rts.hub.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The inbox between the broker connection and the intake: bounded, waiting for room before it refuses. */
class InboxTest {
    @Test
    @Timeout(60)
    void a_message_that_does_not_fit_waits_for_room_and_is_taken_once_the_worker_drains() throws Exception {
        Inbox<String> inbox = new Inbox<>(2, 1_000_000);
        assertTrue(inbox.offer("a", 10));
        assertTrue(inbox.offer("b", 10));
        CompletableFuture<Boolean> third = CompletableFuture.supplyAsync(() -> inbox.offer("c", 10, 30_000));
        assertEquals("a", inbox.poll(1_000));
        assertTrue(third.get(), "taken once there was room");
        List<String> rest = new ArrayList<>();
        inbox.drainTo(rest, 10);
        assertEquals(List.of("b", "c"), rest, "in arrival order");
        assertFalse(inbox.drainedAfterOverflow(), "nothing was refused");
    }

    @Test
    void a_message_still_without_room_after_the_wait_is_refused_and_the_overflow_reported_once_drained()
            throws Exception {
        Inbox<String> inbox = new Inbox<>(1, 1_000_000);
        assertTrue(inbox.offer("a", 10));
        assertFalse(inbox.offer("b", 10, 50));
        assertFalse(inbox.drainedAfterOverflow(), "not before the inbox is empty");
        assertEquals("a", inbox.poll(1_000));
        assertTrue(inbox.drainedAfterOverflow());
        assertFalse(inbox.drainedAfterOverflow(), "once");
    }

    @Test
    void bytes_bound_the_inbox_too_but_a_single_large_message_always_fits_an_empty_one() {
        Inbox<String> inbox = new Inbox<>(100, 100);
        assertTrue(inbox.offer("big", 500));
        assertFalse(inbox.offer("small", 1));
        assertEquals(1, inbox.size());
    }
}
