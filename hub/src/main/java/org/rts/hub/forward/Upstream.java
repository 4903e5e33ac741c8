package org.rts.hub.forward;

import java.time.Duration;

/** A tally centre the hub forwards to. Implementations are used by one thread at a time. */
public interface Upstream extends AutoCloseable {
    /** What became of one delivery. */
    sealed interface Outcome permits Delivered, Retry, Refused {
    }

    /** The upstream has the message. */
    record Delivered() implements Outcome {
    }

    /** The upstream could not take it now (down, overloaded, timed out); {@code after} is its wish, or null. */
    record Retry(String why, Duration after) implements Outcome {
    }

    /**
     * The upstream refused the message (HTTP 4xx but 408 and 429, a broker's "not authorised"): perhaps for good,
     * perhaps only while the tally centre is redeployed, so it is tried again for a bounded time.
     */
    record Refused(String why) implements Outcome {
    }

    String name();

    Outcome deliver(ForwardedMessage message, byte[] body);

    /** The longest one {@link #deliver} may take before it gives up (its timeouts): a claim must outlast it. */
    Duration longestDelivery();

    @Override
    void close();
}
