package org.rts.protocol.merkle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Jws;

/**
 * The hub's append-only log of the receipts it issued (RFC 9162 hashing), one per hub instance: each batch's
 * receipts become leaves, the hub signs one tree head for the batch, and each receipt leaves with its inclusion proof
 * and that head ({@link LoggedReceipt}). One signature a batch instead of one a receipt; and because every head is
 * consistent with every later one, a receipt a unit holds proves that a later export still contains it.
 *
 * <p>The store is the log's truth: {@link #align} brings the tree in memory to the leaves the store holds (a batch
 * whose transaction failed is forgotten, one that was written though its commit seemed to fail is taken back).
 * Used by the one ordered stage.
 */
public final class ReceiptLog {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final String election;
    private final String name;
    private final Es256Signer signer;
    private final MerkleLog tree = new MerkleLog();

    /** An empty log named {@code name} (the hub's MQTT client id) of {@code election}, its heads signed by {@code signer}. */
    public ReceiptLog(String election, String name, Es256Signer signer) {
        this.election = election;
        this.name = name;
        this.signer = signer;
    }

    /** Reads the log's leaf hashes in order, from a given index on. */
    @FunctionalInterface
    public interface Leaves {
        void from(long index, Consumer<byte[]> each);
    }

    /**
     * What one batch added: its leaves' hashes from index {@code first}, the signed {@code head} of the tree they
     * make, and the receipts to publish in the leaves' order. The store writes the hashes and the head with the
     * batch; a leaf itself is the receipt, kept with the message it answers.
     */
    public record Sealed(String log, long first, List<byte[]> leafHashes, long size, String head,
                         List<byte[]> receipts, List<byte[]> leaves) {
    }

    public String name() {
        return name;
    }

    public long size() {
        return tree.size();
    }

    /**
     * Makes the tree the one the store holds, {@code storedSize} leaves: forgets what it has beyond them, or appends
     * those it lacks from {@code leaves}.
     */
    public void align(long storedSize, Leaves leaves) {
        if (storedSize < tree.size()) {
            tree.truncate(storedSize);
        } else if (storedSize > tree.size()) {
            long[] next = {tree.size()};
            leaves.from(next[0], hash -> {
                if (next[0] < storedSize) {
                    tree.append(hash);
                    next[0]++;
                }
            });
            if (tree.size() != storedSize) {
                throw new IllegalStateException("receipt log " + name + " holds " + storedSize + " leaves, read "
                        + tree.size());
            }
        }
    }

    /**
     * Checks that the tree is the one {@code head} (a head this log signed and stored) describes: a changed or
     * missing leaf in the store shows here.
     */
    public void requireMatches(String head) {
        TreeHead th = TreeHead.decode(Jws.parse(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).payload());
        if (th.size() > tree.size() || !Arrays.equals(th.rootHash(), tree.root(th.size()))) {
            throw new IllegalStateException("receipt log " + name + " does not match the head it signed last (" + th.size()
                    + " leaves, root " + th.root() + "): the store's leaves were changed or removed");
        }
    }

    /** Appends a batch's receipts (their canonical JSON), signs the new head, and gives each its proof. */
    public Sealed seal(List<byte[]> leaves, Instant now) {
        long first = tree.size();
        List<Long> indices = new ArrayList<>(leaves.size());
        List<byte[]> hashes = new ArrayList<>(leaves.size());
        for (byte[] leaf : leaves) {
            byte[] hash = MerkleProofs.leafHash(leaf);
            hashes.add(hash);
            indices.add(tree.append(hash));
        }
        long size = tree.size();
        String head = signer.sign(MessageCodec.encode(new TreeHead(TreeHead.VERSION, election, name, size,
                B64.encodeToString(tree.root(size)), now)));
        List<List<byte[]>> proofs = tree.inclusionProofs(indices, size);
        List<byte[]> receipts = new ArrayList<>(leaves.size());
        for (int i = 0; i < leaves.size(); i++) {
            receipts.add(new LoggedReceipt(LoggedReceipt.VERSION, B64.encodeToString(leaves.get(i)), first + i,
                    proofs.get(i).stream().map(B64::encodeToString).toList(), head).encode());
        }
        return new Sealed(name, first, hashes, size, head, receipts, List.copyOf(leaves));
    }
}
