package org.rts.demo.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rts.hub.store.HistoryStore;
import org.rts.hub.units.Alerts;
import org.rts.hub.units.BatteryLog;

/**
 * How much the room's history costs the hub's store: one polling day of {@code units} units at the default step
 * (a point per unit every 5 minutes, as each unit's telemetry arrives), their battery logs, and the room's figures
 * each minute for 18 regions, written to a fresh SQLite store as the hub writes them; prints the rows, the file's
 * growth, and how long a unit's chart and the day's charts take to read back.
 *
 * <pre>bin/history-growth [units] [days]     default 10000 1</pre>
 */
public final class HistoryGrowth {
    private HistoryGrowth() {
    }

    public static void main(String[] args) throws Exception {
        int units = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path dir = Files.createTempDirectory("rts-history");
        Path db = dir.resolve("hub.db");
        Duration step = Alerts.Settings.DEFAULT.historyStep();
        Instant start = Instant.parse("2026-11-11T00:00:00Z");
        long perUnit = days * Duration.ofDays(1).dividedBy(step);
        long points = 0;
        long figures = 0;
        long began = System.nanoTime();
        long empty;
        try (HistoryStore store = HistoryStore.open(db.toString())) {
            store.prune(start, start); // the schema made, so that only the history is counted
        }
        empty = size(dir);
        try (HistoryStore store = HistoryStore.open(db.toString())) {
            Map<String, BatteryLog> logs = new HashMap<>();
            for (long k = 0; k < perUnit; k++) {
                Instant at = start.plus(step.multipliedBy(k));
                List<HistoryStore.Point> batch = new ArrayList<>(units);
                Map<String, String> changed = new HashMap<>();
                for (int u = 1; u <= units; u++) {
                    String device = "u-" + u;
                    double battery = 100 - (k + u) % 60;
                    boolean mains = (k + u) % 120 >= 60;
                    batch.add(new HistoryStore.Point(device, at, (int) battery, mains, mains, -60 - u % 30,
                            (int) (k % 3)));
                    BatteryLog log = logs.getOrDefault(device, BatteryLog.NONE).next(at, battery, mains, mains);
                    logs.put(device, log);
                    changed.put(device, log.json());
                }
                store.save(batch, changed);
                points += batch.size();
                if (k % 12 == 0) {
                    for (int m = 0; m < 60; m++) {
                        List<HistoryStore.Figure> minute = new ArrayList<>();
                        Instant t = at.plus(Duration.ofMinutes(m % 60));
                        for (String s : List.of("ONLINE", "OFFLINE", "LOST", "SILENT")) {
                            minute.add(new HistoryStore.Figure("units:" + s, t, units / 4));
                        }
                        for (int r = 0; r <= 18; r++) {
                            String area = r == 18 ? "" : "region-" + r;
                            minute.add(new HistoryStore.Figure("voters:" + area, t, 1000L * m));
                            minute.add(new HistoryStore.Figure("registered:" + area, t, 100_000));
                            minute.add(new HistoryStore.Figure("results:" + area, t, m));
                        }
                        store.saveFigures(minute);
                        figures += minute.size();
                    }
                }
            }
            double writeSeconds = (System.nanoTime() - began) / 1e9;
            long readStart = System.nanoTime();
            int unitPoints = store.points("u-1", start).size();
            double unitMillis = (System.nanoTime() - readStart) / 1e6;
            readStart = System.nanoTime();
            int dayFigures = store.figures(start.plus(Duration.ofDays(days)).minus(Duration.ofDays(1))).size();
            double dayMillis = (System.nanoTime() - readStart) / 1e6;
            store.close(); // the write-ahead log checkpointed into the database before its size is taken
            long grown = size(dir) - empty;
            System.out.printf("%,d units, %d day(s), a point every %d min: %,d unit points, %,d room figures,"
                    + " %,d battery logs written in %.1f s%n", units, days, step.toMinutes(), points, figures,
                    logs.size(), writeSeconds);
            System.out.printf("store growth: %.1f MB (%.1f MB per 10,000 units per day), %.0f bytes per unit"
                    + " point%n", grown / 1e6, grown / 1e6 * 10_000 / units / days, (double) grown / points);
            System.out.printf("read back: one unit's %d points in %.1f ms, the day's %,d figures in %.1f ms%n",
                    unitPoints, unitMillis, dayFigures, dayMillis);
        } finally {
            WorkFolder.remove(dir);
        }
    }

    /** The store's files: the database and its write-ahead log. */
    private static long size(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
