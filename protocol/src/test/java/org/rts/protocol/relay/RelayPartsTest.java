package org.rts.protocol.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.Photo;
import org.rts.protocol.pki.Keys;

/** A signed result in QR codes: whole when it fits one, else numbered parts that only make the message named. */
class RelayPartsTest {
    /** A signed result of a ballot of {@code candidates}, with its photo's hash, as a unit makes it. */
    static String result(int candidates) {
        List<Integer> votes = IntStream.range(0, candidates).map(i -> 100 + i * 7 % 300).boxed().toList();
        int valid = votes.stream().mapToInt(Integer::intValue).sum();
        ResultReport r = new ResultReport(2, "iq-2025-parliament", Mode.LIVE, "dev-10432", "S-104321", 3,
                "Vn8y7rJq2mWzP0cQ1aB4dE5fG6hI7jK8lM9nO0pQ1rS", "baghdad-1", valid + 2_000, valid + 40, 1_960, 10,
                valid + 30, 30, votes, Instant.parse("2025-11-11T18:42:00Z"),
                Photo.of(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3}));
        var key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        return new Es256Signer(key, "dev-10432", Jws.hash("certificate".getBytes(StandardCharsets.US_ASCII)))
                .sign(MessageCodec.encode(r));
    }

    @Test
    void a_result_of_150_candidates_goes_in_numbered_parts_each_within_one_code() {
        String jws = result(150);
        List<String> codes = RelayParts.codes(jws);
        assertTrue(codes.size() >= 2 && codes.size() <= 5, jws.length() + " characters in " + codes.size() + " codes");
        codes.forEach(c -> assertTrue(c.length() <= RelayParts.SINGLE, c.length() + " characters in a code"));
        Map<Integer, RelayParts.Part> parts = new HashMap<>();
        List<String> shuffled = new ArrayList<>(codes);
        Collections.reverse(shuffled);
        shuffled.forEach(c -> {
            RelayParts.Part p = RelayParts.parse(c);
            parts.put(p.index(), p);
        });
        assertEquals(jws, RelayParts.join(parts), "read in any order");
        assertEquals(List.of(result(24)).size(), RelayParts.codes(result(24)).size(), "24 candidates: one code");
    }

    @Test
    void a_missing_altered_or_foreign_part_is_named() {
        String jws = result(150);
        List<RelayParts.Part> parts = RelayParts.codes(jws).stream().map(RelayParts::parse).toList();
        Map<Integer, RelayParts.Part> missing = new HashMap<>();
        parts.subList(0, parts.size() - 1).forEach(p -> missing.put(p.index(), p));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RelayParts.join(missing)).getMessage()
                .startsWith((parts.size() - 1) + " of " + parts.size() + " parts"));

        Map<Integer, RelayParts.Part> altered = new HashMap<>();
        parts.forEach(p -> altered.put(p.index(), p));
        RelayParts.Part second = parts.get(1);
        altered.put(2, new RelayParts.Part(2, second.count(), second.hash(), second.chunk().replace('a', 'b')));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RelayParts.join(altered)).getMessage()
                .contains("do not make the message they name"));

        List<RelayParts.Part> other = RelayParts.codes(result(150)).stream().map(RelayParts::parse).toList();
        Map<Integer, RelayParts.Part> mixed = new HashMap<>();
        parts.forEach(p -> mixed.put(p.index(), p));
        int last = parts.size();
        // the same report signed again (another key): its last part, with the signature, differs
        mixed.put(last, new RelayParts.Part(last, last, parts.get(0).hash(), other.get(last - 1).chunk()));
        assertThrows(IllegalArgumentException.class, () -> RelayParts.join(mixed));

        for (String bad : List.of("RTSP1/0/3/" + second.hash() + "/abc", "RTSP1/4/3/" + second.hash() + "/abc",
                "RTSP1/1/99/" + second.hash() + "/abc", "RTSP1/1/3/short/abc", "RTSP1/1/3/" + second.hash() + "/<x>",
                "hello")) {
            assertThrows(IllegalArgumentException.class, () -> RelayParts.parse(bad), bad);
        }
    }
}
