package org.rts.protocol.merkle;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
        return new Checker(hubKey, election).check(this);
    }

    /** Checks many receipts of one election, each distinct tree head's signature once. Thread-safe. */
    public static final class Checker {
        private final ECPublicKeyParameters hubKey;
        private final String election;
        private final Map<String, TreeHead> verified = new ConcurrentHashMap<>();

        public Checker(ECPublicKeyParameters hubKey, String election) {
            this.hubKey = hubKey;
            this.election = election;
        }

        /** As {@link LoggedReceipt#check}. */
        public Checked check(LoggedReceipt r) {
            TreeHead th = verified.get(r.head());
            if (th == null) {
                th = head(r.head());
                verified.put(r.head(), th);
            }
            List<byte[]> path;
            try {
                path = r.proof().stream().map(p -> Base64.getUrlDecoder().decode(p)).toList();
            } catch (IllegalArgumentException e) {
                throw new MalformedMessageException(Reason.MALFORMED, "receipt proof is not base64url");
            }
            byte[] leaf = r.leaf();
            if (!MerkleProofs.verifyInclusion(r.index(), th.size(), MerkleProofs.leafHash(leaf), path, th.rootHash())) {
                throw new MalformedMessageException(Reason.SIGNATURE_INVALID, "receipt " + r.index() + " is not in"
                        + " the tree of " + th.size() + " the hub signed");
            }
            return new Checked(MessageCodec.decodeReceipt(leaf), th);
        }

        /** A tree head of this election's log signed with the hub's key, or refused. */
        public TreeHead head(String signed) {
            Jws jws = Jws.parse(signed.getBytes(StandardCharsets.US_ASCII));
            if (!Es256Verifier.verify(jws, hubKey)) {
                throw new MalformedMessageException(Reason.SIGNATURE_INVALID, "the receipt log's tree head is not"
                        + " signed by the hub's key");
            }
            TreeHead th = TreeHead.decode(jws.payload());
            if (!th.election().equals(election)) {
                throw new MalformedMessageException(Reason.MALFORMED, "tree head of election " + th.election()
                        + ", expected " + election);
            }
            return th;
        }
    }

    /** The receipt's bytes, the leaf, as the hub wrote them (unchecked: see {@link #check}). */
    public byte[] leaf() {
        try {
            return Base64.getUrlDecoder().decode(receipt);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(Reason.MALFORMED, "receipt is not base64url");
        }
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
