package org.rts.protocol.merkle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.pki.Keys;

/** The hub's log of receipts: one signed head a batch, each receipt checkable alone, the store's log the truth. */
class ReceiptLogTest {
    private static final Instant NOW = Instant.parse("2026-11-22T18:30:00Z");
    private final ECPrivateKeyParameters key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
    private final Es256Signer signer = new Es256Signer(key, "hub", Jws.hash("hub certificate".getBytes()));
    /** What the store holds: leaf hashes in order. */
    private final List<byte[]> stored = new ArrayList<>();

    private ReceiptLog.Sealed seal(ReceiptLog log, String... receipts) {
        List<byte[]> leaves = new ArrayList<>();
        for (String r : receipts) {
            leaves.add(r.getBytes(StandardCharsets.UTF_8));
        }
        return log.seal(leaves, NOW);
    }

    private ReceiptLog.Leaves store() {
        return (from, each) -> stored.subList((int) from, stored.size()).forEach(each);
    }

    private TreeHead head(ReceiptLog.Sealed s) {
        return TreeHead.decode(Jws.parse(s.head().getBytes(StandardCharsets.US_ASCII)).payload());
    }

    @Test
    void a_batch_gets_one_signed_head_and_each_receipt_its_own_proof_to_it() {
        ReceiptLog log = new ReceiptLog("el", "rts-hub-1", signer);
        seal(log, "a", "b", "c");
        ReceiptLog.Sealed second = seal(log, "d", "e");
        assertEquals(3, second.first());
        assertEquals(5, second.size());
        assertEquals(new TreeHead(TreeHead.VERSION, "el", "rts-hub-1", 5, head(second).root(), NOW), head(second));
        LoggedReceipt.Checker checker = new LoggedReceipt.Checker(Keys.publicOf(key), "el");
        for (int i = 0; i < 2; i++) {
            LoggedReceipt r = LoggedReceipt.decode(second.receipts().get(i));
            assertEquals(3 + i, r.index());
            assertEquals(second.head(), r.head(), "the batch's one head");
            assertArrayEquals(new String[] {"d", "e"}[i].getBytes(StandardCharsets.UTF_8), r.leaf());
            assertEquals(head(second), checker.head(r.head()));
        }
        assertThrows(MalformedMessageException.class, () -> new LoggedReceipt.Checker(Keys.publicOf(key), "other")
                .head(second.head()), "another election's log");
    }

    @Test
    void a_log_follows_the_store_forgetting_a_batch_never_stored_and_taking_one_stored_unseen() {
        ReceiptLog log = new ReceiptLog("el", "rts-hub-1", signer);
        ReceiptLog.Sealed kept = seal(log, "a", "b");
        stored.addAll(kept.leafHashes());
        seal(log, "lost 1", "lost 2", "lost 3"); // its transaction failed
        log.align(stored.size(), store());
        assertEquals(2, log.size());
        ReceiptLog.Sealed next = seal(log, "c");
        assertEquals(2, next.first(), "the next receipt takes the place of the lost ones");

        ReceiptLog other = new ReceiptLog("el", "rts-hub-1", signer); // a restart, or a commit that did land
        stored.addAll(next.leafHashes());
        other.align(stored.size(), store());
        assertEquals(3, other.size());
        other.requireMatches(next.head());
        String reference = head(seal(new ReceiptLog("el", "rts-hub-1", signer), "a", "b", "c", "d")).root();
        assertEquals(reference, head(seal(other, "d")).root(), "aligned, it continues the same tree");
    }

    @Test
    void a_store_whose_leaves_were_changed_or_removed_does_not_match_the_head_it_signed() {
        ReceiptLog log = new ReceiptLog("el", "rts-hub-1", signer);
        ReceiptLog.Sealed s = seal(log, "a", "b", "c");
        stored.addAll(s.leafHashes());
        stored.set(1, MerkleProofs.leafHash("changed".getBytes(StandardCharsets.UTF_8)));
        ReceiptLog changed = new ReceiptLog("el", "rts-hub-1", signer);
        changed.align(stored.size(), store());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> changed.requireMatches(s.head()));
        assertTrue(e.getMessage().contains("does not match the head it signed last (3 leaves"), e.getMessage());
        stored.remove(2);
        ReceiptLog shorter = new ReceiptLog("el", "rts-hub-1", signer);
        shorter.align(stored.size(), store());
        assertThrows(IllegalStateException.class, () -> shorter.requireMatches(s.head()));
    }

    @Test
    void a_store_that_yields_fewer_leaves_than_it_counts_is_an_error() {
        ReceiptLog log = new ReceiptLog("el", "rts-hub-1", signer);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> log.align(4, (from, each) -> { }));
        assertTrue(e.getMessage().contains("holds 4 leaves, read 0"), e.getMessage());
    }
}
