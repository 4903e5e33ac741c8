package org.rts.protocol.message;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import org.rts.protocol.Ids;

/**
 * The hub's signed answer to one message. {@code msg} is the hash of the message exactly as received and
 * {@code topic} the topic it arrived on, so a receipt speaks for one message sent in one place; {@code code} is a
 * short code the presiding officer writes on the paper form. An identical resend gets the identical receipt.
 *
 * <p>{@code chained} says whether the message took its place in the device's chain at the hub: always for an
 * acceptance, and for a rejection of its content. A rejection that is not chained (the message could not be
 * authenticated, or its sequence number does not continue the chain) is not final for the device: the message may
 * be sent again once the cause is mended. {@code head} is the hub's last message of the device's chain, given with
 * sequence rejections so that the device can resynchronise.
 */
public record Receipt(int v, String device, String topic, String msg, Long seq, boolean chained, Status status,
                      List<Finding> reasons, List<Finding> warnings, ChainPosition head, Instant hubTime,
                      String code) {
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    public enum Status {
        ACCEPTED,
        REJECTED
    }

    public Receipt {
        if (v != Report.VERSION) {
            throw new IllegalArgumentException("v must be " + Report.VERSION + ", found: " + v);
        }
        Ids.require("device", device);
        if (topic == null || topic.isEmpty() || msg == null || msg.isEmpty() || status == null || hubTime == null
                || code == null) {
            throw new IllegalArgumentException("topic, msg, status, hubTime and code are required");
        }
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        if ((status == Status.REJECTED) == reasons.isEmpty()) {
            throw new IllegalArgumentException("a rejection needs reasons and an acceptance has none, found "
                    + status + " with " + reasons.size() + " reasons");
        }
        if (status == Status.ACCEPTED && !chained) {
            throw new IllegalArgumentException("an accepted message is always chained");
        }
    }

    /**
     * The short code an officer copies onto the paper form: 8 Crockford base32 characters (no I, L, O, U) taken
     * from the first 40 bits of SHA-256 over the ASCII text {@code <STATUS>:<message hash>}, shown as
     * {@code XXXX-XXXX}. Anyone holding the message can recompute it.
     */
    public static String code(String messageHash, Status status) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256")
                    .digest((status + ":" + messageHash).getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
        long bits = 0;
        for (int i = 0; i < 5; i++) {
            bits = (bits << 8) | (digest[i] & 0xFF);
        }
        StringBuilder sb = new StringBuilder(9);
        for (int i = 7; i >= 0; i--) {
            sb.append(CROCKFORD[(int) ((bits >>> (i * 5)) & 31)]);
            if (i == 4) {
                sb.append('-');
            }
        }
        return sb.toString();
    }

    public boolean accepted() {
        return status == Status.ACCEPTED;
    }

    /** Whether the hub's answer is final for this message: accepted, or rejected after it joined the chain. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isFinal() {
        return chained;
    }

    /** Whether any reason has this code. */
    public boolean has(Reason reason) {
        return reasons.stream().anyMatch(f -> f.code().equals(reason.name()));
    }
}
