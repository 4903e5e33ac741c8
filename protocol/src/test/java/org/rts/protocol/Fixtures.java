package org.rts.protocol;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Constituency;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.election.Tolerances;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.ResultReport;

/** Small ballot definitions and reports for protocol tests. */
public final class Fixtures {
    public static final Instant CLOSE = Instant.parse("2026-11-22T18:00:00Z");

    private Fixtures() {
    }

    public static Election election(int candidates) {
        List<Candidate> list = new ArrayList<>();
        for (int i = 1; i <= candidates; i++) {
            list.add(new Candidate("c" + i, "Candidate " + i));
        }
        return new Election("el-2026", "General election 2026", Mode.LIVE,
                List.of(new Race("parliament", "Parliament", list)),
                List.of(new Station("S-001", "School 1", 500)), Tolerances.DEFAULT);
    }

    /**
     * Three constituencies (north and south in regions of their own, east in none), each with a race of two
     * candidates, and a national race: S-001 (north) and S-002 (south) hold both ballots, S-003 (east) only its
     * constituency's. 500 registered voters each.
     */
    public static Election constituencies() {
        List<Candidate> two = List.of(new Candidate("c1", "Candidate 1"), new Candidate("c2", "Candidate 2"));
        return new Election("el-2026", "General election 2026", Mode.LIVE,
                List.of(new Race("president", "President", two)),
                List.of(new Constituency("north", "North", "North region",
                                List.of(new Race("north-seats", "North", two))),
                        new Constituency("south", "South", "South region",
                                List.of(new Race("south-seats", "South", two))),
                        new Constituency("east", "East", null, List.of(new Race("east-seats", "East", two)))),
                List.of(new Station("S-001", "School 1", 500, null, "C-1", "north", null),
                        new Station("S-002", "School 2", 500, null, "C-2", "south", null),
                        new Station("S-003", "School 3", 500, null, "C-3", "east", List.of("east-seats"))),
                Tolerances.DEFAULT, null);
    }

    /** A result that passes every rule: 500 registered, 400 in box, 390 valid + 10 invalid. */
    public static ResultReport result(List<Integer> votes, int inBox, int invalid) {
        return new ResultReport(1, "el-2026", Mode.LIVE, "dev-0001", "S-001", 2, "x".repeat(43), "parliament",
                500, 600, 600 - inBox - 2, 2, inBox, invalid, votes, CLOSE);
    }
}
