package org.rts.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictUtf8Test {
    private static String refused(byte... bytes) {
        return assertThrows(MalformedMessageException.class, () -> StrictUtf8.decode(bytes, "payload")).getMessage();
    }

    @Test
    void plain_utf8_of_every_length_reads_as_written() {
        String text = "é€𝄞 الانتخابات";
        assertEquals(text, StrictUtf8.decode(text.getBytes(StandardCharsets.UTF_8), "payload"));
        assertEquals("", StrictUtf8.decode(new byte[0], "payload"));
        assertEquals("\u00EF\u00BB", StrictUtf8.decode("\u00EF\u00BB".getBytes(StandardCharsets.UTF_8), "payload"));
    }

    @Test
    void a_byte_order_mark_is_refused_even_alone() {
        assertTrue(refused((byte) 0xEF, (byte) 0xBB, (byte) 0xBF).contains("byte-order mark"));
        assertTrue(refused((byte) 0xEF, (byte) 0xBB, (byte) 0xBF, (byte) '{', (byte) '}').contains("payload starts with"));
    }

    @Test
    void overlong_forms_surrogates_and_stray_bytes_are_refused() {
        assertTrue(refused((byte) 0xC0, (byte) 0xAF).contains("not valid UTF-8"));
        refused((byte) 0xE0, (byte) 0x80, (byte) 0xAF);
        refused((byte) 0xED, (byte) 0xA0, (byte) 0x80);
        refused((byte) 0xFF);
        refused((byte) 0xEF, (byte) 0xBB);
    }
}
