package org.rts.hub.history;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.rts.hub.store.HistoryStore;
import org.rts.hub.tally.LiveTally;
import org.rts.protocol.election.Election;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The day in figures, for the room's charts: every {@link #EVERY} the hub notes the units by state, and per
 * region and for the nation ({@code ""}) the voters of the turnout reports so far, the registered voters of the
 * stations that reported turnout, and the results received; figures older than {@link #KEEP} and units' points
 * older than {@link #KEEP_UNITS} are forgotten. A
 * {@code turnout-reference.csv} in the election folder gives the previous election's turnout at local times of its
 * polling day, drawn at the same local times in the 24 hours before this one's polls close (in the ballot's time
 * zone; before now when the ballot sets no close).
 */
public final class DayHistory {
    private static final Logger LOG = LoggerFactory.getLogger(DayHistory.class);
    public static final Duration EVERY = Duration.ofMinutes(1);
    static final Duration KEEP = Duration.ofDays(14);
    /** The units' points, far more numerous, are kept a week (their battery logs for good). */
    public static final Duration KEEP_UNITS = Duration.ofDays(7);
    public static final String REFERENCE_FILE = "turnout-reference.csv";

    private final Election election;
    private final HistoryStore store;
    private final Supplier<Map<String, Long>> unitsByState;
    private final Supplier<LiveTally.Picture> tally;
    private final List<Reference> reference;
    private final Clock clock;
    private Instant pruned = Instant.EPOCH;

    /** The previous election's turnout in {@code region} ({@code ""}: the nation) at a local time of its day. */
    public record Reference(java.time.LocalTime time, String region, double percent) {
    }

    /**
     * What the charts draw since a time: each series as {@code [epoch ms, value]} points ({@code units:ONLINE},
     * {@code voters:<region>}, {@code registered:<region>}, {@code results:<region>}), the results expected per
     * region, the polls' close (null: not set), and the reference turnout as {@code [epoch ms, percent]} per region.
     */
    public record Day(Map<String, List<long[]>> series, Map<String, Long> expected, Instant closes,
                      Map<String, List<double[]>> reference) {
    }

    public DayHistory(Election election, HistoryStore store, Supplier<Map<String, Long>> unitsByState,
                      Supplier<LiveTally.Picture> tally, Path electionDir, Clock clock) {
        this.election = election;
        this.store = store;
        this.unitsByState = unitsByState;
        this.tally = tally;
        this.clock = clock;
        this.reference = readReference(electionDir.resolve(REFERENCE_FILE));
    }

    /** Notes the figures now (on the hub's scheduler); a failure loses one point of the charts, nothing else. */
    public void sample() {
        try {
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            store.saveFigures(figures(now, unitsByState.get(), tally.get()));
            if (Duration.between(pruned, now).toHours() >= 1) {
                store.prune(now.minus(KEEP_UNITS), now.minus(KEEP));
                pruned = now;
            }
        } catch (RuntimeException e) {
            LOG.warn("the day's figures not noted: {}", e.getMessage());
        }
    }

    /** The figures of one moment: units by state, then per area voters, registered and results received. */
    static List<HistoryStore.Figure> figures(Instant now, Map<String, Long> units, LiveTally.Picture picture) {
        List<HistoryStore.Figure> out = new ArrayList<>();
        units.forEach((state, n) -> out.add(new HistoryStore.Figure("units:" + state, now, n)));
        List<LiveTally.Area> areas = new ArrayList<>(picture.regions());
        areas.add(picture.nation());
        for (LiveTally.Area a : areas) {
            String area = a == picture.nation() ? "" : a.region();
            out.add(new HistoryStore.Figure("voters:" + area, now, a.turnout()));
            out.add(new HistoryStore.Figure("registered:" + area, now, a.registered()));
            out.add(new HistoryStore.Figure("results:" + area, now, a.races().stream()
                    .mapToLong(LiveTally.RaceFigures::reported).sum()));
        }
        return out;
    }

    /** The figures since {@code from}, with what the charts draw them against. */
    public Day since(Instant from) {
        Map<String, List<long[]>> series = new TreeMap<>();
        for (HistoryStore.Figure f : store.figures(from)) {
            series.computeIfAbsent(f.series(), k -> new ArrayList<>()).add(new long[] {f.at().toEpochMilli(),
                f.value()});
        }
        LiveTally.Picture now = tally.get();
        Map<String, Long> expected = new TreeMap<>();
        expected.put("", now.nation().races().stream().mapToLong(LiveTally.RaceFigures::stations).sum());
        now.regions().forEach(r -> expected.put(r.region(), r.races().stream()
                .mapToLong(LiveTally.RaceFigures::stations).sum()));
        Map<String, List<double[]>> ref = new TreeMap<>();
        java.time.ZoneId zone = election.polling().zone();
        Instant until = election.polling().closes() != null ? election.polling().closes() : clock.instant();
        for (Reference r : reference) {
            ref.computeIfAbsent(r.region(), k -> new ArrayList<>()).add(new double[] {
                atOrBefore(r.time(), until, zone).toEpochMilli(), r.percent()});
        }
        ref.values().forEach(points -> points.sort(java.util.Comparator.comparingDouble(p -> p[0])));
        return new Day(series, expected, election.polling().closes(), ref);
    }

    /** The last instant at or before {@code until} whose local time in {@code zone} is {@code time}. */
    static Instant atOrBefore(java.time.LocalTime time, Instant until, java.time.ZoneId zone) {
        java.time.ZonedDateTime end = until.atZone(zone);
        java.time.ZonedDateTime at = end.toLocalDate().atTime(time).atZone(zone);
        return (at.isAfter(end) ? at.minusDays(1) : at).toInstant();
    }

    /**
     * The reference file: a header, then {@code time,region,percent} lines ({@code HH:MM}, region empty for the
     * nation). A missing file is no reference; a malformed one is logged and not drawn.
     */
    static List<Reference> readReference(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return parseReference(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("the turnout reference {} is not drawn: {}", file, e.getMessage());
            return List.of();
        }
    }

    static List<Reference> parseReference(String csv) {
        List<Reference> out = new ArrayList<>();
        String[] lines = csv.split("\r?\n");
        if (lines.length == 0 || !lines[0].trim().equals("time,region,percent")) {
            throw new IllegalArgumentException("its first line must be time,region,percent");
        }
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] f = lines[i].split(",", -1);
            try {
                if (f.length != 3) {
                    throw new IllegalArgumentException("three fields expected");
                }
                if (!f[0].trim().matches("[0-2][0-9]:[0-5][0-9]")) {
                    throw new IllegalArgumentException("the time must be HH:MM");
                }
                java.time.LocalTime time = java.time.LocalTime.parse(f[0].trim());
                double percent = Double.parseDouble(f[2].trim());
                if (!(percent >= 0 && percent <= 100)) {
                    throw new IllegalArgumentException("percent must be 0..100");
                }
                out.add(new Reference(time, f[1].trim(), percent));
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " '" + lines[i] + "': " + e.getMessage(), e);
            }
        }
        return out;
    }
}
