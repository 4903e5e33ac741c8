package org.rts.protocol.relay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rts.protocol.jws.Jws;

/**
 * A signed message carried by QR codes a phone reads: one code holds the JWS itself when it fits
 * ({@link #SINGLE} characters: what the slip's 42 mm code of 3-dot modules holds at error correction M); a larger
 * one (a ballot of many candidates) is split into numbered parts of at most {@link #CHUNK} characters, each code
 * {@code RTSP1/<i>/<n>/<hash>/<chunk>}: its number, the part count, and the base64url SHA-256 of the whole
 * message, so that parts of two messages never mix and a part altered or missing is seen when they are joined.
 */
public final class RelayParts {
    public static final String PREFIX = "RTSP1/";
    /** The longest JWS one code carries whole. */
    public static final int SINGLE = 990;
    /** Characters of the message per part: with its header, a part stays within {@link #SINGLE}. */
    public static final int CHUNK = 900;
    /** At most this many parts: 22,500 characters, more than a ballot of 150 candidates needs. */
    public static final int MAX_PARTS = 25;

    private RelayParts() {
    }

    /** One part as read from a code. */
    public record Part(int index, int count, String hash, String chunk) {
        public String text() {
            return PREFIX + index + "/" + count + "/" + hash + "/" + chunk;
        }
    }

    /** The codes that carry {@code jws}: itself when it fits one, else its numbered parts. */
    public static List<String> codes(String jws) {
        if (jws.length() <= SINGLE) {
            return List.of(jws);
        }
        int count = (jws.length() + CHUNK - 1) / CHUNK;
        if (count > MAX_PARTS) {
            throw new IllegalArgumentException("a message of " + jws.length() + " characters needs " + count
                    + " codes, more than " + MAX_PARTS);
        }
        String hash = Jws.hash(jws.getBytes(StandardCharsets.US_ASCII));
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            codes.add(new Part(i + 1, count, hash, jws.substring(i * CHUNK, Math.min(jws.length(), (i + 1) * CHUNK)))
                    .text());
        }
        return codes;
    }

    /** Whether a code's text is a part rather than a whole message. */
    public static boolean isPart(String text) {
        return text.startsWith(PREFIX);
    }

    /** Reads one part; throws naming what is wrong with it. */
    public static Part parse(String text) {
        if (!isPart(text)) {
            throw new IllegalArgumentException("not a part of a message (it should start with " + PREFIX + ")");
        }
        String[] f = text.substring(PREFIX.length()).split("/", 4);
        if (f.length != 4 || !f[0].matches("[0-9]{1,2}") || !f[1].matches("[0-9]{1,2}")
                || !f[2].matches("[A-Za-z0-9_-]{43}") || !f[3].matches("[A-Za-z0-9_.-]{1," + CHUNK + "}")) {
            throw new IllegalArgumentException("a malformed part: " + PREFIX + "<i>/<n>/<hash>/<chunk> expected");
        }
        int index = Integer.parseInt(f[0]);
        int count = Integer.parseInt(f[1]);
        if (count < 2 || count > MAX_PARTS || index < 1 || index > count) {
            throw new IllegalArgumentException("part " + index + " of " + count + ": a message has 2 to " + MAX_PARTS
                    + " parts, numbered from 1");
        }
        return new Part(index, count, f[2], f[3]);
    }

    /**
     * The message the parts make, once all are there; throws when one is missing or they do not make the message
     * their hash names (a part altered, or a part of another message under the same number).
     */
    public static String join(Map<Integer, Part> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no parts");
        }
        Part first = parts.values().iterator().next();
        StringBuilder jws = new StringBuilder();
        for (Part p : new TreeMap<>(parts).values()) {
            jws.append(p.chunk());
        }
        if (parts.size() != first.count()) {
            throw new IllegalArgumentException(parts.size() + " of " + first.count() + " parts");
        }
        if (!Jws.hash(jws.toString().getBytes(StandardCharsets.US_ASCII)).equals(first.hash())) {
            throw new IllegalArgumentException("the parts do not make the message they name: one was altered or"
                    + " belongs to another message");
        }
        return jws.toString();
    }
}
