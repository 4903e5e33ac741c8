package org.rts.protocol.merkle;

import java.time.Instant;
import org.rts.protocol.Ids;
import org.rts.protocol.codec.Json;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.message.Reason;

/**
 * What the hub signs once for a batch of receipts: the receipt log {@code log} (one per hub instance, named by its
 * MQTT client id) of {@code election} held {@code size} leaves with root {@code root} (base64url of the 32-byte hash)
 * at {@code time}. Every later tree head of the same log is
 * consistent with it (RFC 9162, 2.1.4), so anyone who keeps one can ask the hub, or an export, to prove that
 * nothing it covered was changed or taken away.
 */
public record TreeHead(int v, String election, String log, long size, String root, Instant time) {
    public static final int VERSION = 1;

    public TreeHead {
        if (v != VERSION) {
            throw new IllegalArgumentException("tree head v must be " + VERSION + ", found: " + v);
        }
        Ids.require("election", election);
        if (log == null || log.isBlank() || log.length() > 128) {
            throw new IllegalArgumentException("a tree head names its log in 1..128 characters, found: " + log);
        }
        if (size < 0 || root == null || time == null) {
            throw new IllegalArgumentException("a tree head needs a size >= 0, a root and a time");
        }
        if (java.util.Base64.getUrlDecoder().decode(root).length != MerkleProofs.HASH_BYTES) {
            throw new IllegalArgumentException("a tree head's root is a base64url SHA-256, found: " + root);
        }
    }

    public byte[] rootHash() {
        return java.util.Base64.getUrlDecoder().decode(root);
    }

    /** The head a JWS payload holds, in canonical form (as {@code MessageCodec} writes it) or refused. */
    public static TreeHead decode(byte[] json) {
        TreeHead head;
        try {
            head = Json.mapper().readValue(json, TreeHead.class);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new MalformedMessageException(Reason.MALFORMED, "tree head is not valid: " + e.getMessage());
        }
        if (!java.util.Arrays.equals(json, MessageCodec.encode(head))) {
            throw new MalformedMessageException(Reason.MALFORMED, "tree head is not in canonical form");
        }
        return head;
    }
}
