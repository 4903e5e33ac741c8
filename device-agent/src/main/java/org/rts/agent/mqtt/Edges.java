package org.rts.agent.mqtt;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.List;
import org.rts.agent.AgentException;

/**
 * The unit's edge brokers in the order it tries them, and the one it is on or tries next. The order ranks each edge
 * by a hash of the device id and the edge's address (rendezvous hashing): units start spread evenly over the edges,
 * the units of an edge that fails spread evenly over the others rather than all moving to the same one, and a unit
 * keeps its order from one start to the next. Thread-safe.
 */
final class Edges {
    private final List<String> order;
    private int current;

    Edges(String deviceId, List<String> urls) {
        if (urls.isEmpty()) {
            throw new AgentException("no broker address for device " + deviceId);
        }
        for (String url : urls) {
            if (!url.startsWith("tcp://") && !url.startsWith("ssl://")) {
                throw new AgentException("invalid broker address " + url + ": use tcp://host:port or ssl://host:port");
            }
        }
        this.order = order(deviceId, urls);
    }

    /** Every edge, highest rank for {@code deviceId} first. */
    static List<String> order(String deviceId, List<String> urls) {
        return urls.stream().distinct()
                .sorted(Comparator.comparingLong((String url) -> rank(deviceId, url)).reversed()
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    private static long rank(String deviceId, String url) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((deviceId + "\n" + url).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    int size() {
        return order.size();
    }

    /** The edge the unit is on, or tries next. */
    synchronized String current() {
        return order.get(current);
    }

    /** Moves on to the next edge (after the first, the last) and returns it. */
    synchronized String next() {
        current = (current + 1) % order.size();
        return order.get(current);
    }

    /** For the log: the current edge, and which of how many when there are several. */
    synchronized String describe() {
        return order.size() == 1 ? order.get(0) : order.get(current) + " (edge " + (current + 1) + " of "
                + order.size() + ")";
    }
}
