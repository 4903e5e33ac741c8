package org.rts.hub.validation;

import java.time.Instant;
import org.rts.protocol.Topics;

/**
 * Authenticates messages ahead of the ordered intake, in parallel: parses the topic once and runs the
 * {@link Authenticator}, except for a copy of a message chained lately on the same topic, which was authenticated
 * already and is answered with its stored receipt. Thread-safe.
 */
public final class Verification {
    /** Chained messages remembered by hash and topic, so that their copies skip signature verification. */
    static final int RECENT = 100_000;

    private final Authenticator authenticator;
    private final RecentlyChained recent = new RecentlyChained(RECENT);

    public Verification(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /**
     * A message and what authentication made of it; {@code address} is null for a topic outside the scheme, and
     * {@code outcome} null for a copy of a message chained lately on the same topic (not verified again).
     */
    public record Verified(Inbound in, Topics.Address address, Authenticator.Outcome outcome) {
        public boolean copy() {
            return address != null && outcome == null;
        }
    }

    /** Authenticates one message, unless it is a copy of one chained lately on the same topic. */
    public Verified verify(Inbound in, Instant now) {
        return verify(in, Topics.parse(in.topic()).orElse(null), now);
    }

    /** As {@link #verify(Inbound, Instant)}, with the topic parsed already ({@code address} null: not a device's). */
    public Verified verify(Inbound in, Topics.Address address, Instant now) {
        if (address == null || recent.holds(in.hash(), in.topic())) {
            return new Verified(in, address, null);
        }
        return authenticate(in, address, now);
    }

    /** Authenticates one message in full. */
    public Verified authenticate(Inbound in, Topics.Address address, Instant now) {
        return new Verified(in, address, authenticator.authenticate(address, in.bytes(), in.size(), in.hash(), now));
    }

    /** A message joined its device's chain: its copies on {@code topic} need no verification from now on. */
    public void chained(String hash, String topic) {
        recent.add(hash, topic);
    }
}
