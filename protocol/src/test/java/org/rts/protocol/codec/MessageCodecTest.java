package org.rts.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rts.protocol.Fixtures;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;

class MessageCodecTest {
    @Test
    void turnout_and_result_round_trip_with_their_kind() {
        TurnoutReport turnout = new TurnoutReport(1, "el", Mode.DRILL, "d1", "s1", 1, "",
                Instant.parse("2026-11-22T10:00:00Z"), 42);
        String json = new String(MessageCodec.encode(turnout), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"kind\":\"turnout\""), json);
        assertEquals(turnout, MessageCodec.decodeReport(json.getBytes(StandardCharsets.UTF_8)));
        ResultReport result = Fixtures.result(List.of(200, 190), 400, 10);
        assertInstanceOf(ResultReport.class, MessageCodec.decodeReport(MessageCodec.encode(result)));
    }

    @Test
    void refuses_ambiguous_or_mistyped_json() {
        String good = new String(MessageCodec.encode(Fixtures.result(List.of(200, 190), 400, 10)),
                StandardCharsets.UTF_8);
        List<String> bad = List.of(
                "not json",
                "[]",
                good.replace("\"invalid\":10", "\"invalid\":10,\"invalid\":0"),
                good.replace("\"invalid\":10", "\"invalid\":\"10\""),
                good.replace("\"invalid\":10", "\"invalid\":10.5"),
                good.replace("\"invalid\":10", "\"invalid\":99999999999"),
                good.replace("\"invalid\":10", "\"invalid\":null"),
                good.replace("\"invalid\":10", "\"invalid\":10,\"extra\":1"),
                good.replace("\"kind\":\"result\"", "\"kind\":\"other\""),
                good.replace("\"seq\":2", "\"seq\":0"),
                good.replace("\"station\":\"S-001\"", "\"station\":\"S/001\""),
                good + "{}");
        for (String json : bad) {
            MalformedMessageException e = assertThrows(MalformedMessageException.class,
                    () -> MessageCodec.decodeReport(json.getBytes(StandardCharsets.UTF_8)), json);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), json);
        }
    }

    @Test
    void first_message_has_empty_prev_and_later_ones_do_not() {
        assertThrows(IllegalArgumentException.class, () -> new TurnoutReport(1, "el", Mode.LIVE, "d", "s", 1,
                "abc", Instant.EPOCH, 0));
        assertThrows(IllegalArgumentException.class, () -> new TurnoutReport(1, "el", Mode.LIVE, "d", "s", 2,
                "", Instant.EPOCH, 0));
        Report ok = new TurnoutReport(1, "el", Mode.LIVE, "d", "s", 1, "", Instant.EPOCH, 0);
        assertEquals(1, ok.seq());
    }
}
