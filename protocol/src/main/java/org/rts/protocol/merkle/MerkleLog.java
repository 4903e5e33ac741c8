package org.rts.protocol.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An append-only Merkle tree of RFC 9162 over leaf hashes, held in memory: the root of the tree at any size it had,
 * the inclusion proof of a leaf and the consistency proof between two sizes, each in O(log² n) hashes. Every complete
 * subtree's hash is kept (level {@code h} holds those of {@code 2^h} leaves), about 64 bytes a leaf in all.
 * Not thread-safe: one writer appends, and reads happen on its thread or after it.
 */
public final class MerkleLog {
    /** Level {@code h}: the hashes of the complete subtrees of {@code 2^h} leaves, left to right, packed. */
    private final List<Hashes> levels = new ArrayList<>();
    private long size;

    public long size() {
        return size;
    }

    /** Appends a leaf by its hash ({@link MerkleProofs#leafHash}); returns its index. */
    public long append(byte[] leafHash) {
        if (leafHash.length != MerkleProofs.HASH_BYTES) {
            throw new IllegalArgumentException("a leaf hash is 32 bytes, found " + leafHash.length);
        }
        long index = size;
        byte[] node = leafHash;
        long position = index;
        for (int h = 0; ; h++) {
            if (levels.size() == h) {
                levels.add(new Hashes());
            }
            levels.get(h).add(node);
            if ((position & 1) == 0) {
                break; // a left child: its parent completes with the next leaf
            }
            node = MerkleProofs.nodeHash(levels.get(h).get(position - 1), node);
            position >>= 1;
        }
        size++;
        return index;
    }

    /**
     * Forgets the leaves from {@code newSize} on: a batch whose transaction failed leaves the log as the store has
     * it. Only a writer that has not published anything about those leaves may do this.
     */
    public void truncate(long newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("tree size " + newSize + " outside 0.." + size);
        }
        for (int h = 0; h < levels.size(); h++) {
            levels.get(h).count = newSize >> h;
        }
        size = newSize;
    }

    /** The leaf hash at {@code index}. */
    public byte[] leaf(long index) {
        check(index, size);
        return levels.get(0).get(index);
    }

    /** The root of the tree when it had {@code treeSize} leaves. */
    public byte[] root(long treeSize) {
        if (treeSize < 0 || treeSize > size) {
            throw new IllegalArgumentException("tree size " + treeSize + " outside 0.." + size);
        }
        return treeSize == 0 ? MerkleProofs.emptyRoot() : hash(0, treeSize);
    }

    /** The inclusion proof of leaf {@code index} in the tree of {@code treeSize} leaves, from the leaf up. */
    public List<byte[]> inclusionProof(long index, long treeSize) {
        return inclusionProofs(List.of(index), treeSize).get(0);
    }

    /**
     * The inclusion proofs of {@code indices} in the tree of {@code treeSize} leaves. The hashes of the tree's
     * incomplete right edge, which every proof needs, are computed once for all of them.
     */
    public List<List<byte[]>> inclusionProofs(List<Long> indices, long treeSize) {
        if (treeSize > size) {
            throw new IllegalArgumentException("tree size " + treeSize + " beyond " + size);
        }
        Map<Long, byte[]> edge = new HashMap<>();
        List<List<byte[]>> proofs = new ArrayList<>(indices.size());
        for (long index : indices) {
            check(index, treeSize);
            List<byte[]> proof = new ArrayList<>();
            path(index, 0, treeSize, proof, edge);
            proofs.add(proof);
        }
        return proofs;
    }

    /** The consistency proof between the trees of {@code first} and {@code second} leaves. */
    public List<byte[]> consistencyProof(long first, long second) {
        if (first < 0 || first > second || second > size) {
            throw new IllegalArgumentException("sizes " + first + " and " + second + " outside 0.." + size);
        }
        List<byte[]> proof = new ArrayList<>();
        if (first > 0 && first < second) {
            subproof(first, 0, second, true, proof);
        }
        return proof;
    }

    /** RFC 9162's PATH; every incomplete range of its splits ends at {@code hi}, so {@code edge} keys them by start. */
    private void path(long m, long lo, long hi, List<byte[]> proof, Map<Long, byte[]> edge) {
        long n = hi - lo;
        if (n == 1) {
            return;
        }
        long k = Long.highestOneBit(n - 1);
        if (m - lo < k) {
            path(m, lo, lo + k, proof, edge);
            long from = lo + k;
            proof.add(Long.bitCount(hi - from) == 1 ? hash(from, hi) : edge.computeIfAbsent(from, f -> hash(f, hi)));
        } else {
            path(m, lo + k, hi, proof, edge);
            proof.add(hash(lo, lo + k));
        }
    }

    private void subproof(long m, long lo, long hi, boolean whole, List<byte[]> proof) {
        long n = hi - lo;
        if (m == n) {
            if (!whole) {
                proof.add(hash(lo, hi));
            }
            return;
        }
        long k = Long.highestOneBit(n - 1);
        if (m <= k) {
            subproof(m, lo, lo + k, whole, proof);
            proof.add(hash(lo + k, hi));
        } else {
            subproof(m - k, lo + k, hi, false, proof);
            proof.add(hash(lo, lo + k));
        }
    }

    /** MTH of leaves {@code [lo, hi)}, which RFC 9162's splits always start on a multiple of their largest part. */
    private byte[] hash(long lo, long hi) {
        long n = hi - lo;
        if (Long.bitCount(n) == 1) {
            int h = Long.numberOfTrailingZeros(n);
            return levels.get(h).get(lo >> h);
        }
        long k = Long.highestOneBit(n - 1);
        return MerkleProofs.nodeHash(hash(lo, lo + k), hash(lo + k, hi));
    }

    private static void check(long index, long treeSize) {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("leaf " + index + " outside a tree of " + treeSize);
        }
    }

    /** 32-byte hashes packed in one growing array. */
    private static final class Hashes {
        private byte[] bytes = new byte[MerkleProofs.HASH_BYTES * 64];
        private long count;

        void add(byte[] hash) {
            long end = (count + 1) * MerkleProofs.HASH_BYTES;
            if (end > bytes.length) {
                if (end > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("the log holds too many leaves for one level");
                }
                bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(end, 2L * bytes.length)));
            }
            System.arraycopy(hash, 0, bytes, (int) (count * MerkleProofs.HASH_BYTES), MerkleProofs.HASH_BYTES);
            count++;
        }

        byte[] get(long i) {
            int from = (int) (i * MerkleProofs.HASH_BYTES);
            return Arrays.copyOfRange(bytes, from, from + MerkleProofs.HASH_BYTES);
        }
    }
}
