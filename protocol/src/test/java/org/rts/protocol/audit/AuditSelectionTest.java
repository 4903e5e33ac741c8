package org.rts.protocol.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Constituency;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.election.Tolerances;
import org.rts.protocol.message.Mode;

class AuditSelectionTest {
    private static final List<Candidate> TWO = List.of(new Candidate("a", "A"), new Candidate("b", "B"));
    private static final Election ELECTION = new Election("el-2026", "Election", Mode.LIVE,
            List.of(new Race("parliament", "Parliament", TWO)),
            List.of(new Constituency("north", "North", "N", List.of()), new Constituency("south", "South", "S",
                    List.of())),
            IntStream.rangeClosed(1, 12).mapToObj(i -> new Station("S-" + i, "Station " + i, 500, null, null,
                    i <= 6 ? "north" : "south", null)).toList(), Tolerances.DEFAULT, null);

    @Test
    void a_station_s_key_is_the_sha256_of_election_seed_and_station_and_the_lowest_keys_are_taken() {
        // printf 'el-2026\n3 5 1 6\nS-1' | sha256sum
        assertEquals("0263f76ad457f58125cd9f2106f68c2a4effc4183a34f69dfde8cc8d91d9c90a",
                AuditSelection.key("el-2026", "3 5 1 6", "S-1"));
        List<AuditSelection.Pick> picks = AuditSelection.select(ELECTION, "3 5 1 6", 4, false);
        List<String> expected = ELECTION.stations().stream()
                .map(s -> new String[] {s.id(), AuditSelection.key("el-2026", "3 5 1 6", s.id())})
                .sorted(Comparator.comparing(k -> k[1])).limit(4).map(k -> k[0]).toList();
        assertEquals(expected, picks.stream().map(AuditSelection.Pick::station).toList());
        assertEquals(List.of(1, 2, 3, 4), picks.stream().map(AuditSelection.Pick::rank).toList());
        assertEquals(picks, AuditSelection.select(ELECTION, "3 5 1 6", 4, false), "the same seed, the same stations");
        List<AuditSelection.Pick> other = AuditSelection.select(ELECTION, "3 5 1 5", 12, false);
        assertEquals(12, other.size(), "every station once");
    }

    @Test
    void per_constituency_takes_the_count_in_each() {
        List<AuditSelection.Pick> picks = AuditSelection.select(ELECTION, "6 6 2", 2, true);
        assertEquals(2, picks.stream().filter(p -> p.constituency().equals("north")).count());
        assertEquals(2, picks.stream().filter(p -> p.constituency().equals("south")).count());
        assertEquals(4, picks.size());
    }

    @Test
    void a_seed_with_spaces_around_it_or_a_count_out_of_range_is_refused_saying_why() {
        assertEquals("the seed starts or ends with a space: give it exactly as announced, without them (anyone"
                + " redoing the choice must type the same text)", assertThrows(IllegalArgumentException.class,
                () -> AuditSelection.select(ELECTION, " 3 5", 2, false)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> AuditSelection.select(ELECTION, "", 2, false));
        assertThrows(IllegalArgumentException.class, () -> AuditSelection.select(ELECTION, "3 5\u00A0", 2, false),
                "a no-break space counts as a space, as in the VERIFY.md script");
        assertEquals("count must be 1..12 (the election's stations), found: 13", assertThrows(
                IllegalArgumentException.class, () -> AuditSelection.select(ELECTION, "3", 13, false)).getMessage());
    }
}
