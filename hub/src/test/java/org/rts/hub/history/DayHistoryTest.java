package org.rts.hub.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.store.HistoryStore;
import org.rts.hub.tally.LiveTally;
import org.rts.hub.testing.ManualClock;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.message.Mode;

/** The day's figures: noted through the day, read back as series, the reference read or refused with a reason. */
class DayHistoryTest {
    @TempDir
    Path dir;

    private static LiveTally.Area area(String region, long registered, long turnout, int reported) {
        return new LiveTally.Area(region, 2, registered, turnout, 2, List.of(new LiveTally.RaceFigures("parliament",
                Map.of(), 0, 0, 2, reported, 2 - reported, 0, 0, 0)));
    }

    @Test
    void figures_noted_each_minute_are_read_back_as_series_and_old_ones_pruned() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        Files.writeString(election.files.dir().resolve(DayHistory.REFERENCE_FILE),
                "time,region,percent\n10:00,,12.5\n13:00,Basra,30\n");
        ManualClock clock = new ManualClock(TestElection.NOW);
        AtomicReference<LiveTally.Picture> picture = new AtomicReference<>();
        try (HistoryStore store = HistoryStore.open(dir.resolve("hub.db").toString())) {
            DayHistory day = new DayHistory(election.election, store, () -> Map.of("ONLINE", 3L, "LOST", 1L),
                    picture::get, election.files.dir(), clock);
            picture.set(new LiveTally.Picture("el", area("", 1000, 100, 0), List.of(area("Basra", 1000, 100, 0)),
                    List.of(), List.of()));
            day.sample();
            clock.advance(Duration.ofMinutes(1));
            picture.set(new LiveTally.Picture("el", area("", 1000, 250, 1), List.of(area("Basra", 1000, 250, 1)),
                    List.of(), List.of()));
            day.sample();
            DayHistory.Day seen = day.since(TestElection.NOW.minus(Duration.ofHours(1)));
            assertEquals(List.of(100L, 250L), seen.series().get("voters:").stream().map(p -> p[1]).toList());
            assertEquals(List.of(0L, 1L), seen.series().get("results:Basra").stream().map(p -> p[1]).toList());
            assertEquals(List.of(3L, 3L), seen.series().get("units:ONLINE").stream().map(p -> p[1]).toList());
            assertEquals(2L, seen.expected().get(""), "each station's race expected");
            assertEquals(12.5, seen.reference().get("").get(0)[1]);
            assertEquals(List.of("", "Basra"), List.copyOf(seen.reference().keySet()));

            clock.advance(DayHistory.KEEP.plusHours(2));
            day.sample();
            assertEquals(1, day.since(Instant.EPOCH).series().get("voters:").size(), "older than 14 days: forgotten");
        }
    }

    @Test
    void a_reference_time_is_drawn_in_the_day_before_the_close() {
        java.time.ZoneId baghdad = java.time.ZoneId.of("Asia/Baghdad");
        Instant close = Instant.parse("2026-11-11T15:00:00Z"); // 18:00 in Baghdad
        assertEquals(Instant.parse("2026-11-11T04:00:00Z"), DayHistory.atOrBefore(java.time.LocalTime.of(7, 0), close,
                baghdad));
        assertEquals(close, DayHistory.atOrBefore(java.time.LocalTime.of(18, 0), close, baghdad));
        assertEquals(Instant.parse("2026-11-10T16:00:00Z"), DayHistory.atOrBefore(java.time.LocalTime.of(19, 0), close,
                baghdad), "past the close's time: the evening before");
    }

    @Test
    void a_malformed_reference_says_which_line_and_why() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DayHistory.parseReference("hours,percent\n"))
                .getMessage().contains("first line must be time,region,percent"));
        assertTrue(message("time,region,percent\n10:00,,5\n25:00,,10\n").startsWith("line 3 '25:00,,10': "));
        assertEquals("line 2 '10h,,5': the time must be HH:MM", message("time,region,percent\n10h,,5\n"));
        assertEquals("line 2 '10:00,,120': percent must be 0..100", message("time,region,percent\n10:00,,120\n"));
        assertEquals("line 2 '10:00,12': three fields expected", message("time,region,percent\n10:00,12\n"));
        assertTrue(DayHistory.readReference(dir.resolve("absent.csv")).isEmpty(), "no file: no reference");
    }

    private static String message(String csv) {
        return assertThrows(IllegalArgumentException.class, () -> DayHistory.parseReference(csv)).getMessage();
    }
}
