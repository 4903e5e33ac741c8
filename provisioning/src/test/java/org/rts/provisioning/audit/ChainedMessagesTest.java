package org.rts.provisioning.audit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ChainedMessagesTest {
    private static String hash(String text) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void a_message_is_known_at_its_units_place_with_the_receipt_it_was_answered_with() throws Exception {
        ChainedMessages chained = new ChainedMessages();
        for (int seq = 1; seq <= 100; seq++) {
            chained.add("dev-1", seq, hash("m" + seq), "receipt " + seq);
        }
        chained.add("dev-2", 1, hash("m1"), "receipt of dev-2");
        assertTrue(chained.contains("dev-1", 57, hash("m57")));
        assertTrue(chained.answered("dev-1", 57, hash("m57"), "receipt 57"));
        assertFalse(chained.answered("dev-1", 57, hash("m57"), "receipt 58"), "another receipt");
        assertFalse(chained.contains("dev-1", 58, hash("m57")), "another place");
        assertFalse(chained.contains("dev-1", 101, hash("m101")), "not chained yet");
        assertFalse(chained.contains("dev-3", 1, hash("m1")), "another unit");
        assertTrue(chained.answered("dev-2", 1, hash("m1"), "receipt of dev-2"));
    }

    @Test
    void a_place_far_past_the_units_chain_is_kept_apart_and_still_found() throws Exception {
        ChainedMessages chained = new ChainedMessages();
        chained.add("dev-1", 1L << 40, hash("far"), "r"); // a broken chain must not make a terabyte array
        chained.add("dev-1", 0, hash("zero"), "r0");
        assertTrue(chained.answered("dev-1", 1L << 40, hash("far"), "r"));
        assertTrue(chained.contains("dev-1", 0, hash("zero")));
        assertFalse(chained.contains("dev-1", 1, hash("far")));
    }
}
