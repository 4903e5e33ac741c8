package org.rts.hub.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.rts.hub.store.StoreContract.T;
import static org.rts.hub.store.StoreContract.result;
import static org.rts.hub.store.StoreContract.turnout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rts.hub.intake.Decision;
import org.rts.protocol.Topics;
import org.rts.protocol.message.Reason;

/**
 * The forwarding queue's promises, whatever database holds it: what is accepted is queued with what travels, a
 * claimed message is leased to one holder, and an outcome decides whether and when it is claimed again.
 */
abstract class ForwardQueueContract {
    static final long NOW = T.toEpochMilli() + 1000;
    static final long LEASE = 30_000;

    MessageStore store;
    ForwardQueue queue;

    /** Where the store under test lives; the same value opens the queue on the same data. */
    abstract String location();

    @BeforeEach
    void open() {
        store = MessageStore.open(location());
        store.forwardTo(List.of("tc", "backup"), Set.of(Topics.RESULT));
        queue = ForwardQueue.open(location());
    }

    @AfterEach
    void closeStores() {
        queue.close();
        store.close();
    }

    /** Stores accepted results r1..rN of device d, chained one after the other. */
    void accept(int count) {
        String prev = "";
        for (int i = 1; i <= count; i++) {
            store.save(result(i, prev, "r" + i, i));
            prev = "r" + i;
        }
    }

    static Decision receivedLater(Decision d, long seconds) {
        return new Decision(d.topic(), d.deviceId(), d.hash(), d.bytes(), d.receivedAt().plusSeconds(seconds),
                d.report(), d.reasons(), d.warnings(), d.receipt());
    }

    static List<String> hashes(List<ForwardQueue.Entry> entries) {
        return entries.stream().map(ForwardQueue.Entry::hash).toList();
    }

    @Test
    void an_accepted_message_of_a_forwarded_kind_is_queued_for_each_upstream_with_what_travels() {
        store.save(turnout(1, "", "h1", 10));
        store.save(result(2, "h1", "r2", 4));
        store.save(StoreContract.rejected(result(3, "r2", "r3", 5), Reason.CONFLICT, "another result for S R"));

        List<ForwardQueue.Entry> claimed = queue.claim("tc", "hub-a", NOW, LEASE, 10);
        assertEquals(1, claimed.size(), "neither the turnout (a kind not forwarded) nor the rejected result");
        ForwardQueue.Entry e = claimed.get(0);
        assertEquals("tc", e.upstream());
        assertEquals("r2", e.hash());
        assertEquals(Topics.RESULT, e.kind());
        assertEquals("d", e.device());
        assertEquals("S", e.station());
        assertEquals("msg r2", e.jws());
        assertArrayEquals("receipt r2".getBytes(StandardCharsets.US_ASCII), e.receipt());
        assertEquals(0, e.attempts());
        assertEquals(T.toEpochMilli(), e.enqueuedAt());
        assertEquals(List.of("r2"), hashes(queue.claim("backup", "hub-a", NOW, LEASE, 10)));
        assertEquals(List.of(), queue.claim("elsewhere", "hub-a", NOW, LEASE, 10));
    }

    @Test
    void messages_are_claimed_oldest_first_up_to_the_limit() {
        accept(5);
        assertEquals(List.of("r1", "r2", "r3"), hashes(queue.claim("tc", "hub-a", NOW, LEASE, 3)));
        assertEquals(List.of("r4", "r5"), hashes(queue.claim("tc", "hub-b", NOW, LEASE, 3)),
                "the rest, not what hub-a holds");
    }

    @Test
    void a_message_leased_to_one_hub_is_not_claimed_by_another_before_the_lease_runs_out() {
        accept(2);
        assertEquals(List.of("r1", "r2"), hashes(queue.claim("tc", "hub-a", NOW, LEASE, 10)));
        assertEquals(List.of(), queue.claim("tc", "hub-b", NOW + 1, LEASE, 10));
        assertEquals(List.of(), queue.claim("tc", "hub-b", NOW + LEASE, LEASE, 10), "the lease's last moment");
        assertEquals(List.of("r1", "r2"), hashes(queue.claim("tc", "hub-b", NOW + LEASE + 1, LEASE, 10)));
        assertEquals(List.of(), queue.claim("tc", "hub-a", NOW + LEASE + 2, LEASE, 10), "now hub-b's");
    }

    @Test
    void a_hub_claims_again_at_once_what_it_held_when_it_stopped() {
        accept(1);
        queue.claim("tc", "hub-a", NOW, LEASE, 10);
        try (ForwardQueue restarted = ForwardQueue.open(location())) {
            assertEquals(List.of("r1"), hashes(restarted.claim("tc", "hub-a", NOW + 5, LEASE, 10)));
        }
    }

    @Test
    void a_delivered_message_is_not_sent_again() {
        accept(2);
        List<ForwardQueue.Entry> claimed = queue.claim("tc", "hub-a", NOW, LEASE, 10);
        queue.delivered(claimed.get(0).id(), NOW + 10);
        assertEquals(List.of("r2"), hashes(queue.claim("tc", "hub-b", NOW + LEASE + 1, LEASE, 10)));
        assertEquals(new ForwardQueue.Lag("tc", 1, T.toEpochMilli(), 0, 1), queue.lag("tc"));
        assertEquals(List.of("r1", "r2"), hashes(queue.claim("backup", "hub-a", NOW, LEASE, 10)),
                "delivered to one upstream is still due to the other");
    }

    @Test
    void a_message_the_upstream_could_not_take_is_claimed_again_from_its_next_time_with_its_error() {
        accept(1);
        long id = queue.claim("tc", "hub-a", NOW, LEASE, 10).get(0).id();
        queue.later(id, NOW + 60_000, "HTTP 503");
        assertEquals("HTTP 503", queue.lastError("tc"));
        assertEquals(List.of(), queue.claim("tc", "hub-a", NOW + 59_999, LEASE, 10), "not due yet");
        List<ForwardQueue.Entry> again = queue.claim("tc", "hub-b", NOW + 60_000, LEASE, 10);
        assertEquals(List.of("r1"), hashes(again));
        assertEquals(1, again.get(0).attempts());
        queue.later(id, NOW + 120_000, "connection refused");
        assertEquals("connection refused", queue.lastError("tc"), "the latest failure");
        assertEquals(2, queue.claim("tc", "hub-a", NOW + 120_000, LEASE, 10).get(0).attempts());
        queue.delivered(id, NOW + 120_001);
        assertNull(queue.lastError("tc"), "nothing pending failed");
        assertNull(queue.lastError("backup"), "never tried");
    }

    @Test
    void a_message_put_back_untried_is_due_again_for_any_hub_without_an_attempt_counted() {
        accept(1);
        long id = queue.claim("tc", "hub-a", NOW, LEASE, 10).get(0).id();
        queue.putBack(id, NOW + 100);
        assertEquals(List.of(), queue.claim("tc", "hub-b", NOW + 99, LEASE, 10));
        List<ForwardQueue.Entry> again = queue.claim("tc", "hub-b", NOW + 100, LEASE, 10);
        assertEquals(List.of("r1"), hashes(again), "no longer leased to hub-a");
        assertEquals(0, again.get(0).attempts());
    }

    @Test
    void a_refused_message_is_kept_for_review_and_not_sent_again() {
        accept(2);
        long id = queue.claim("tc", "hub-a", NOW, LEASE, 10).get(0).id();
        queue.refused(id, NOW + 10, "HTTP 400 unknown station");
        assertEquals(List.of("r1: HTTP 400 unknown station"), queue.refusals("tc"));
        assertEquals(List.of(), queue.refusals("backup"));
        assertEquals(List.of("r2"), hashes(queue.claim("tc", "hub-b", NOW + LEASE + 1, LEASE, 10)));
        assertNull(queue.lastError("tc"), "a refusal is not a pending failure");
        assertEquals(new ForwardQueue.Lag("tc", 1, T.toEpochMilli(), 1, 0), queue.lag("tc"));
    }

    @Test
    void the_lag_of_an_upstream_counts_pending_refused_and_delivered() {
        assertEquals(new ForwardQueue.Lag("tc", 0, null, 0, 0), queue.lag("tc"), "an empty queue");
        store.save(result(1, "", "r1", 1));
        store.save(receivedLater(result(2, "r1", "r2", 2), 60));
        store.save(receivedLater(result(3, "r2", "r3", 3), 120));
        List<ForwardQueue.Entry> claimed = queue.claim("tc", "hub-a", NOW + 200_000, LEASE, 10);
        assertEquals(List.of(T.toEpochMilli(), T.plusSeconds(60).toEpochMilli(), T.plusSeconds(120).toEpochMilli()),
                claimed.stream().map(ForwardQueue.Entry::enqueuedAt).toList());
        queue.delivered(claimed.get(0).id(), NOW + 200_001);
        assertEquals(new ForwardQueue.Lag("tc", 2, T.plusSeconds(60).toEpochMilli(), 0, 1), queue.lag("tc"),
                "the oldest still waiting");
        queue.refused(claimed.get(1).id(), NOW + 200_002, "HTTP 422");
        assertEquals(new ForwardQueue.Lag("tc", 1, T.plusSeconds(120).toEpochMilli(), 1, 1), queue.lag("tc"));
        assertEquals(new ForwardQueue.Lag("backup", 3, T.toEpochMilli(), 0, 0), queue.lag("backup"));
    }
}
