package org.rts.protocol.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 9162's tree, proofs and checks, against its definitions written out naively and known roots. */
class MerkleLogTest {
    private static final HexFormat HEX = HexFormat.of();
    /** The leaves and roots of the Certificate Transparency reference tests (RFC 6962 hashing, as RFC 9162's). */
    private static final String[] LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"};
    private static final String[] ROOTS = {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

    @Test
    void the_roots_are_those_of_the_reference_tree() {
        MerkleLog log = new MerkleLog();
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", HEX.formatHex(log.root(0)));
        for (int i = 0; i < LEAVES.length; i++) {
            log.append(MerkleProofs.leafHash(HEX.parseHex(LEAVES[i])));
            assertEquals(ROOTS[i], HEX.formatHex(log.root(i + 1)), "root of " + (i + 1) + " leaves");
        }
        for (int i = 0; i < LEAVES.length; i++) {
            assertEquals(ROOTS[i], HEX.formatHex(log.root(i + 1)), "an earlier root, asked later");
        }
    }

    @Test
    void every_proof_is_the_rfcs_and_checks_for_every_size_and_leaf() {
        List<byte[]> leaves = new ArrayList<>();
        MerkleLog log = new MerkleLog();
        for (int i = 0; i < 70; i++) {
            byte[] leaf = MerkleProofs.leafHash(("receipt " + i).getBytes());
            leaves.add(leaf);
            log.append(leaf);
        }
        for (int n = 1; n <= 70; n++) {
            byte[] root = log.root(n);
            assertArrayEquals(mth(leaves.subList(0, n)), root);
            for (int m = 0; m < n; m++) {
                List<byte[]> proof = log.inclusionProof(m, n);
                assertEquals(hex(path(m, leaves.subList(0, n))), hex(proof), "PATH(" + m + ", D[" + n + "])");
                assertTrue(MerkleProofs.verifyInclusion(m, n, leaves.get(m), proof, root));
                assertFalse(MerkleProofs.verifyInclusion(m, n, leaves.get((m + 1) % n), proof, root) && n > 1,
                        "another leaf at " + m);
                assertFalse(MerkleProofs.verifyInclusion(m, n, leaves.get(m), proof, mth(replaced(leaves.subList(0,
                        n), n - 1 == m ? 0 : n - 1))) && n > 1, "a tree with another leaf changed");
            }
            for (int m = 0; m <= n; m++) {
                List<byte[]> proof = log.consistencyProof(m, n);
                assertEquals(hex(m == 0 ? List.of() : subproof(m, leaves.subList(0, n), true)), hex(proof),
                        "PROOF(" + m + ", D[" + n + "])");
                assertTrue(MerkleProofs.verifyConsistency(m, n, log.root(m), root, proof), m + " -> " + n);
                if (m > 0 && m < n) {
                    byte[] otherFirst = mth(replaced(leaves.subList(0, m), 0));
                    assertFalse(MerkleProofs.verifyConsistency(m, n, otherFirst, root, proof),
                            "a first tree whose leaf 0 was changed is not in the second");
                    assertFalse(MerkleProofs.verifyConsistency(m, n, log.root(m), mth(replaced(leaves.subList(0, n),
                            m - 1)), proof), "a second tree that changed one of the first's leaves");
                }
            }
        }
    }

    @Test
    void the_proofs_of_a_batch_are_each_leafs_own() {
        MerkleLog log = new MerkleLog();
        for (int i = 0; i < 300; i++) {
            log.append(MerkleProofs.leafHash(("receipt " + i).getBytes()));
        }
        for (long size : List.of(1L, 2L, 77L, 256L, 257L, 300L)) {
            List<Long> batch = new ArrayList<>();
            for (long m = Math.max(0, size - 40); m < size; m++) {
                batch.add(m);
            }
            List<List<byte[]>> proofs = log.inclusionProofs(batch, size);
            for (int i = 0; i < batch.size(); i++) {
                assertEquals(hex(log.inclusionProof(batch.get(i), size)), hex(proofs.get(i)), batch.get(i) + " of "
                        + size);
            }
        }
    }

    @Test
    void a_truncated_log_is_the_log_it_was_at_that_size_and_grows_again_from_there() {
        MerkleLog log = new MerkleLog();
        MerkleLog reference = new MerkleLog();
        for (int i = 0; i < 37; i++) {
            log.append(MerkleProofs.leafHash(("receipt " + i).getBytes()));
            reference.append(MerkleProofs.leafHash(("receipt " + i).getBytes()));
        }
        for (int i = 0; i < 30; i++) {
            log.append(MerkleProofs.leafHash(("a batch never stored " + i).getBytes()));
        }
        log.truncate(37);
        assertEquals(37, log.size());
        assertArrayEquals(reference.root(37), log.root(37));
        for (int i = 37; i < 70; i++) {
            log.append(MerkleProofs.leafHash(("receipt " + i).getBytes()));
            reference.append(MerkleProofs.leafHash(("receipt " + i).getBytes()));
        }
        for (int n = 1; n <= 70; n++) {
            assertArrayEquals(reference.root(n), log.root(n), "root of " + n);
        }
        assertEquals(hex(reference.consistencyProof(20, 70)), hex(log.consistencyProof(20, 70)));
        assertThrows(IllegalArgumentException.class, () -> log.truncate(71));
        log.truncate(0);
        assertArrayEquals(MerkleProofs.emptyRoot(), log.root(0));
    }

    @Test
    void a_tampered_proof_fails() {
        MerkleLog log = new MerkleLog();
        for (int i = 0; i < 13; i++) {
            log.append(MerkleProofs.leafHash(new byte[] {(byte) i}));
        }
        List<byte[]> proof = new ArrayList<>(log.inclusionProof(5, 13));
        byte[] bent = proof.get(1).clone();
        bent[0] ^= 1;
        proof.set(1, bent);
        assertFalse(MerkleProofs.verifyInclusion(5, 13, log.leaf(5), proof, log.root(13)));
        assertFalse(MerkleProofs.verifyInclusion(5, 13, log.leaf(5), log.inclusionProof(5, 13).subList(0, 2),
                log.root(13)), "a proof cut short");
        List<byte[]> longer = new ArrayList<>(log.inclusionProof(5, 13));
        longer.add(log.leaf(0));
        assertFalse(MerkleProofs.verifyInclusion(5, 13, log.leaf(5), longer, log.root(13)), "a proof too long");
        assertFalse(MerkleProofs.verifyConsistency(7, 13, log.root(7), log.root(13), List.of()), "no proof");
        assertFalse(MerkleProofs.verifyConsistency(13, 7, log.root(13), log.root(7), log.consistencyProof(7, 13)));
    }

    // RFC 9162 section 2.1, as written

    private static byte[] mth(List<byte[]> d) {
        if (d.isEmpty()) {
            return MerkleProofs.emptyRoot();
        }
        if (d.size() == 1) {
            return d.get(0);
        }
        int k = Integer.highestOneBit(d.size() - 1);
        return MerkleProofs.nodeHash(mth(d.subList(0, k)), mth(d.subList(k, d.size())));
    }

    private static List<byte[]> path(int m, List<byte[]> d) {
        List<byte[]> out = new ArrayList<>();
        if (d.size() <= 1) {
            return out;
        }
        int k = Integer.highestOneBit(d.size() - 1);
        if (m < k) {
            out.addAll(path(m, d.subList(0, k)));
            out.add(mth(d.subList(k, d.size())));
        } else {
            out.addAll(path(m - k, d.subList(k, d.size())));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    private static List<byte[]> subproof(int m, List<byte[]> d, boolean b) {
        List<byte[]> out = new ArrayList<>();
        if (m == d.size()) {
            if (!b) {
                out.add(mth(d));
            }
            return out;
        }
        int k = Integer.highestOneBit(d.size() - 1);
        if (m <= k) {
            out.addAll(subproof(m, d.subList(0, k), b));
            out.add(mth(d.subList(k, d.size())));
        } else {
            out.addAll(subproof(m - k, d.subList(k, d.size()), false));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    private static List<byte[]> replaced(List<byte[]> d, int at) {
        List<byte[]> copy = new ArrayList<>(d);
        copy.set(at, MerkleProofs.leafHash("changed".getBytes()));
        return copy;
    }

    private static List<String> hex(List<byte[]> hashes) {
        return hashes.stream().map(HEX::formatHex).toList();
    }
}
