package org.rts.hub.validation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hashes of the messages chained most lately, with the topic each came on. A copy with the same bytes on the
 * same topic was authenticated already: the hub answers it with the stored receipt without verifying its
 * signature again, which is what keeps a broker's redelivered backlog cheap. Thread-safe; bounded, oldest out.
 */
final class RecentlyChained {
    private final Map<String, String> topics;

    RecentlyChained(int capacity) {
        this.topics = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void add(String hash, String topic) {
        topics.put(hash, topic);
    }

    /** True when a message with {@code hash} was chained lately, published on {@code topic}. */
    synchronized boolean holds(String hash, String topic) {
        return topic.equals(topics.get(hash));
    }
}
