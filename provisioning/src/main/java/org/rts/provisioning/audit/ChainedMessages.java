package org.rts.provisioning.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The chained messages an export's records have shown so far, by unit and seq: each message's hash and the SHA-256
 * of the receipt it was answered with, 64 bytes a message in one array per unit. A national export holds millions
 * of messages; keeping each receipt itself took over a kilobyte a message and a verifier out of memory.
 */
final class ChainedMessages {
    private static final int SLOT = 64;
    private final Map<String, byte[]> units = new HashMap<>();
    /** Places past the end of a unit's array by more than one (a broken chain, reported elsewhere). */
    private final Map<String, byte[]> apart = new HashMap<>();

    /** Whether {@code hash} was chained at {@code seq} of {@code device} already. */
    boolean contains(String device, long seq, String hash) {
        byte[] slot = slot(device, seq);
        return slot != null && Arrays.equals(slot, 0, 32, decode(hash), 0, 32);
    }

    /** Whether {@code hash} was chained at {@code seq} of {@code device} and answered with {@code receipt}. */
    boolean answered(String device, long seq, String hash, String receipt) {
        byte[] slot = slot(device, seq);
        return slot != null && Arrays.equals(slot, 0, 32, decode(hash), 0, 32)
                && Arrays.equals(slot, 32, 64, sha256(receipt), 0, 32);
    }

    void add(String device, long seq, String hash, String receipt) {
        byte[] value = new byte[SLOT];
        System.arraycopy(decode(hash), 0, value, 0, 32);
        System.arraycopy(sha256(receipt), 0, value, 32, 32);
        byte[] unit = units.getOrDefault(device, new byte[0]);
        if (seq < 1 || seq > capacity(unit) + 1) {
            apart.put(device + " " + seq, value);
            return;
        }
        int at = (int) (seq - 1) * SLOT;
        if (at + SLOT > unit.length) {
            unit = Arrays.copyOf(unit, Math.max(at + SLOT, unit.length + unit.length / 2));
            units.put(device, unit);
        }
        System.arraycopy(value, 0, unit, at, SLOT);
    }

    private static long capacity(byte[] unit) {
        return unit.length / SLOT;
    }

    private byte[] slot(String device, long seq) {
        byte[] unit = units.get(device);
        if (unit != null && seq >= 1 && seq <= capacity(unit)) {
            int at = (int) (seq - 1) * SLOT;
            byte[] slot = Arrays.copyOfRange(unit, at, at + SLOT);
            return isEmpty(slot) ? null : slot;
        }
        return apart.get(device + " " + seq);
    }

    private static boolean isEmpty(byte[] slot) {
        for (byte b : slot) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] decode(String hash) {
        try {
            byte[] b = Base64.getUrlDecoder().decode(hash);
            return b.length == 32 ? b : sha256(hash);
        } catch (IllegalArgumentException e) {
            return sha256(hash); // not a hash as the protocol writes one: compared by its own digest
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
