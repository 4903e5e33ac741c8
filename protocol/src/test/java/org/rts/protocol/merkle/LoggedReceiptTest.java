package org.rts.protocol.merkle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.Report;
import org.rts.protocol.pki.Keys;

/** A batch of receipts under one signed tree head, each checked alone by its unit. */
class LoggedReceiptTest {
    private static final Instant NOW = Instant.parse("2026-11-22T18:00:00Z");
    private static final String THUMB = "A".repeat(43);
    private final ECPrivateKeyParameters hub = (ECPrivateKeyParameters) Keys.generate().getPrivate();
    private final Es256Signer signer = new Es256Signer(hub, "hub", THUMB);

    private static Receipt receipt(int n) {
        String msg = "m" + n + "x".repeat(41);
        return new Receipt(Report.VERSION, "dev-" + n, "rts/v1/el/dev/dev-" + n + "/result", msg, 1L, true,
                Receipt.Status.ACCEPTED, List.of(), List.of(), null, NOW, Receipt.code(msg, Receipt.Status.ACCEPTED));
    }

    /** What the hub does for one batch: append every receipt, sign one head, give each its proof. */
    private List<LoggedReceipt> batch(MerkleLog log, String election, List<Receipt> receipts) {
        List<byte[]> leaves = receipts.stream().map(MessageCodec::encode).toList();
        long first = log.size();
        leaves.forEach(l -> log.append(MerkleProofs.leafHash(l)));
        TreeHead head = new TreeHead(TreeHead.VERSION, election, "rts-hub-1", log.size(),
                Base64.getUrlEncoder().withoutPadding().encodeToString(log.root(log.size())), NOW);
        String signed = signer.sign(MessageCodec.encode(head));
        List<LoggedReceipt> out = new ArrayList<>();
        for (int i = 0; i < leaves.size(); i++) {
            out.add(new LoggedReceipt(LoggedReceipt.VERSION, Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(leaves.get(i)), first + i, log.inclusionProof(first + i, log.size()).stream()
                    .map(h -> Base64.getUrlEncoder().withoutPadding().encodeToString(h)).toList(), signed));
        }
        return out;
    }

    @Test
    void each_receipt_of_a_batch_checks_alone_against_the_one_signed_head() {
        MerkleLog log = new MerkleLog();
        batch(log, "el", List.of(receipt(90), receipt(91), receipt(92)));
        List<LoggedReceipt> second = batch(log, "el", List.of(receipt(1), receipt(2), receipt(3), receipt(4),
                receipt(5)));
        for (int i = 0; i < second.size(); i++) {
            LoggedReceipt travelled = LoggedReceipt.decode(second.get(i).encode());
            LoggedReceipt.Checked c = travelled.check(Keys.publicOf(hub), "el");
            assertEquals(receipt(i + 1), c.receipt());
            assertEquals(8, c.head().size());
            assertEquals(3 + i, travelled.index());
        }
    }

    @Test
    void a_changed_receipt_another_key_another_election_or_another_place_is_refused() {
        LoggedReceipt r = batch(new MerkleLog(), "el", List.of(receipt(1), receipt(2), receipt(3))).get(1);
        String other = Base64.getUrlEncoder().withoutPadding().encodeToString(MessageCodec.encode(receipt(9)));
        assertRefused(new LoggedReceipt(1, other, r.index(), r.proof(), r.head()), "el", "is not in the tree");
        assertRefused(new LoggedReceipt(1, r.receipt(), 2, r.proof(), r.head()), "el", "is not in the tree");
        assertRefused(r, "another", "tree head of election el");
        var stranger = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        String forged = new Es256Signer(stranger, "hub", THUMB).sign(Base64.getUrlDecoder().decode(
                r.head().split("\\.")[1]));
        assertRefused(new LoggedReceipt(1, r.receipt(), r.index(), r.proof(), forged), "el", "not signed by the hub");
        assertThrows(MalformedMessageException.class, () -> LoggedReceipt.decode("{\"v\":1}".getBytes(
                StandardCharsets.US_ASCII)));
    }

    private void assertRefused(LoggedReceipt r, String election, String why) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> r.check(Keys.publicOf(hub), election));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
