package org.rts.hub.validation;

import org.rts.protocol.jws.Jws;

/**
 * One message as it came from the broker (or a stick: {@code path}). {@code bytes} may be empty for a message over
 * the hub's size limit, whose bytes are not kept: {@code size} and {@code hash} are of the message as received.
 */
public record Inbound(String topic, byte[] bytes, int size, String hash, String path) {
    public static Inbound of(String topic, byte[] bytes) {
        return of(topic, bytes, "mqtt");
    }

    /** {@code path}: the way it came (see {@code Delivery#path}). */
    public static Inbound of(String topic, byte[] bytes, String path) {
        return new Inbound(topic, bytes, bytes.length, Jws.hash(bytes), path);
    }

    /** Keeps only hash and size of a message larger than {@code limit} bytes. */
    public static Inbound bounded(String topic, byte[] bytes, int limit) {
        return bounded(topic, bytes, limit, "mqtt");
    }

    public static Inbound bounded(String topic, byte[] bytes, int limit, String path) {
        return bytes.length <= limit ? of(topic, bytes, path) : new Inbound(topic, new byte[0], bytes.length,
                Jws.hash(bytes), path);
    }
}
