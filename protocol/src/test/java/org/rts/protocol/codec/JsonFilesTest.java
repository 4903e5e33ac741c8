package org.rts.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Receipt;

/** Files people and tools exchange: errors name the file, writes replace a file whole. */
class JsonFilesTest {
    @TempDir
    Path dir;

    record Setting(String name, int count) {
        Setting {
            if (count < 0) {
                throw new IllegalArgumentException("count must be >= 0, found: " + count);
            }
        }
    }

    @Test
    void a_file_written_reads_back_indented_for_people() throws Exception {
        Path file = dir.resolve("sub/setting.json");
        JsonFiles.write(file, new Setting("a", 2));
        assertEquals(new Setting("a", 2), JsonFiles.read(file, Setting.class, "setting"));
        assertTrue(Files.readString(file).contains("\n"), "indented");
        JsonFiles.write(file, new Setting("b", 3));
        assertEquals(new Setting("b", 3), JsonFiles.read(file, Setting.class, "setting"));
        try (var left = Files.list(file.getParent())) {
            assertEquals(List.of(file), left.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void errors_name_the_file_and_what_is_wrong() throws Exception {
        Path missing = dir.resolve("nope.json");
        assertEquals("setting not found: " + missing,
                assertThrows(ProtocolException.class, () -> JsonFiles.read(missing, Setting.class, "setting"))
                        .getMessage());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"name\":\"a\",\"count\":-1}");
        assertEquals("setting " + bad + " is invalid: count must be >= 0, found: -1",
                assertThrows(ProtocolException.class, () -> JsonFiles.read(bad, Setting.class, "setting"))
                        .getMessage());
        Files.writeString(bad, "{\"name\":\"a\",\"count\":1,\"count\":2}");
        String duplicate = assertThrows(ProtocolException.class, () -> JsonFiles.read(bad, Setting.class,
                "setting")).getMessage();
        assertTrue(duplicate.startsWith("setting " + bad + " is invalid: Duplicate field 'count'"), duplicate);
        Path folder = Files.createDirectories(dir.resolve("folder.json"));
        assertTrue(assertThrows(ProtocolException.class, () -> JsonFiles.read(folder, Setting.class, "setting"))
                .getMessage().startsWith("cannot read setting " + folder));
        assertThrows(ProtocolException.class, () -> JsonFiles.write(folder, new Setting("a", 1)));
    }

    @Test
    void a_receipt_round_trips_and_a_broken_one_says_why() {
        Receipt r = new Receipt(1, "d", "t", "m", 3L, false, Receipt.Status.REJECTED,
                List.of(Finding.of(Reason.SEQUENCE_GAP, "x")), List.of(), new ChainPosition(2, "h"),
                Instant.parse("2026-11-22T18:00:00Z"), "ABCD-EFGH");
        assertEquals(r, MessageCodec.decodeReceipt(MessageCodec.encode(r)));
        String broken = new String(MessageCodec.encode(r)).replace("\"chained\":false,\"status\":\"REJECTED\"",
                "\"chained\":false,\"status\":\"ACCEPTED\"");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> MessageCodec.decodeReceipt(broken.getBytes()));
        assertEquals(Reason.MALFORMED, e.reason());
        assertTrue(e.getMessage().startsWith("a rejection needs reasons and an acceptance has none"), e.getMessage());
        assertFalse(Json.pretty() == Json.mapper());
    }
}
