package org.rts.protocol.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The hashing and proof checks of RFC 9162 (Certificate Transparency 2.0, section 2.1): a leaf is hashed as
 * {@code SHA-256(0x00 || leaf)}, a node as {@code SHA-256(0x01 || left || right)}, so that no leaf can pass for a
 * node. Whoever holds a leaf, its inclusion proof and a signed tree head checks the leaf is in that tree; whoever
 * holds two tree heads checks, with a consistency proof, that the later tree only appended to the earlier one.
 */
public final class MerkleProofs {
    public static final int HASH_BYTES = 32;

    private MerkleProofs() {
    }

    /** The root of the empty tree: SHA-256 of nothing. */
    public static byte[] emptyRoot() {
        return sha256().digest();
    }

    public static byte[] leafHash(byte[] leaf) {
        MessageDigest d = sha256();
        d.update((byte) 0x00);
        d.update(leaf);
        return d.digest();
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest d = sha256();
        d.update((byte) 0x01);
        d.update(left);
        d.update(right);
        return d.digest();
    }

    /**
     * Whether the leaf with hash {@code leafHash} is leaf {@code index} of the tree of {@code size} leaves whose root
     * is {@code root} (RFC 9162, 2.1.3.2).
     */
    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        if (index < 0 || index >= size || leafHash == null || root == null) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0 || p == null || p.length != HASH_BYTES) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    /**
     * Whether the tree of {@code second} leaves with root {@code secondRoot} holds the tree of {@code first} leaves
     * with root {@code firstRoot} as its first leaves, unchanged (RFC 9162, 2.1.4.2).
     */
    public static boolean verifyConsistency(long first, long second, byte[] firstRoot, byte[] secondRoot,
                                            List<byte[]> proof) {
        if (first < 0 || second < first || firstRoot == null || secondRoot == null) {
            return false;
        }
        if (first == second) {
            return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
        }
        if (first == 0) {
            return proof.isEmpty(); // the empty tree is the start of every tree
        }
        if (proof.isEmpty() || proof.stream().anyMatch(p -> p == null || p.length != HASH_BYTES)) {
            return false;
        }
        byte[][] path = proof.toArray(byte[][]::new);
        if (Long.bitCount(first) == 1) {
            byte[][] withFirst = new byte[path.length + 1][];
            withFirst[0] = firstRoot;
            System.arraycopy(path, 0, withFirst, 1, path.length);
            path = withFirst;
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path[0];
        byte[] sr = path[0];
        for (byte[] c : Arrays.asList(path).subList(1, path.length)) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot) && sn == 0;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
