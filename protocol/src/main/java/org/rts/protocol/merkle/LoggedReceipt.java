package org.rts.protocol.merkle;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.rts.protocol.codec.Json;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Receipt;

/**
 * A receipt as a leaf of the hub's receipt log: the receipt's exact bytes ({@code receipt}, base64url of its
 * canonical JSON, the leaf), its place in the log, the inclusion proof from the leaf up (base64url hashes), and the
 * tree head the hub signed for the batch ({@code head}, a compact JWS). One signature covers a whole batch; checking
 * a receipt is still one verification and a few hashes.
 */
public record LoggedReceipt(int v, String receipt, long index, List<String> proof, String head) {
    public static final int VERSION = 1;

    public LoggedReceipt {
        if (v != VERSION) {
            throw new IllegalArgumentException("logged receipt v must be " + VERSION + ", found: " + v);
        }
        if (receipt == null || head == null || index < 0) {
            throw new IllegalArgumentException("a logged receipt needs its receipt, index and head");
        }
        proof = proof == null ? List.of() : List.copyOf(proof);
    }

    /** The checked receipt and the tree head that covers it. */
    public record Checked(Receipt receipt, TreeHead head) {
    }

    /**
     * Checks the tree head's signature with the hub's key, that it is {@code election}'s log, and that the receipt is
     * its leaf {@code index}; then decodes the receipt. Throws {@link MalformedMessageException} saying which failed.
     */
    public Checked check(ECPublicKeyParameters hubKey, String election) {
        Jws jws = Jws.parse(head.getBytes(StandardCharsets.US_ASCII));
        if (!Es256Verifier.verify(jws, hubKey)) {
            throw new MalformedMessageException(Reason.SIGNATURE_INVALID, "the receipt log's tree head is not signed"
                    + " by the hub's key");
        }
        TreeHead th = read(jws.payload(), TreeHead.class, "tree head");
        if (!th.election().equals(election)) {
            throw new MalformedMessageException(Reason.MALFORMED, "tree head of election " + th.election()
                    + ", expected " + election);
        }
        byte[] leaf;
        List<byte[]> path;
        try {
            leaf = Base64.getUrlDecoder().decode(receipt);
            path = proof.stream().map(p -> Base64.getUrlDecoder().decode(p)).toList();
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(Reason.MALFORMED, "receipt or proof is not base64url");
        }
        if (!MerkleProofs.verifyInclusion(index, th.size(), MerkleProofs.leafHash(leaf), path, th.rootHash())) {
            throw new MalformedMessageException(Reason.SIGNATURE_INVALID, "receipt " + index + " is not in the tree"
                    + " of " + th.size() + " the hub signed");
        }
        return new Checked(MessageCodec.decodeReceipt(leaf), th);
    }

    public byte[] encode() {
        return MessageCodec.encode(this);
    }

    public static LoggedReceipt decode(byte[] json) {
        return read(json, LoggedReceipt.class, "logged receipt");
    }

    private static <T> T read(byte[] json, Class<T> type, String what) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new MalformedMessageException(Reason.MALFORMED, what + " is not valid: " + e.getMessage());
        }
    }
}
